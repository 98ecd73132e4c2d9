import { type GreenElement, type GreenNode, GreenToken } from '../../shared';

/** A full structural fingerprint of a green tree: kinds, token texts (trivia included), errors and lookahead. */
export function fingerprint(node: GreenNode): string {
  const parts: string[] = [];
  // On a stack of its own (a chain of operators nests a tree as deep as it is long); `null` closes a node.
  const stack: (GreenElement | null)[] = [node];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top === null) parts.push(')');
    else if (top instanceof GreenToken) parts.push(`${top.kind}:${JSON.stringify(top.text)}`);
    else {
      const n = top;
      parts.push(`(${n.kind}`);
      if (n.errors.length > 0) parts.push(JSON.stringify(n.errors));
      if (n.lookahead !== 0) parts.push(`la${n.lookahead}`);
      if (n.endModes !== '') parts.push(`m${n.endModes}`);
      stack.push(null);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
  }
  return parts.join(' ');
}
