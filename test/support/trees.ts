import { type GreenNode, GreenToken } from '../../shared';

/** A full structural fingerprint of a green tree: kinds, token texts (trivia included), errors and lookahead. */
export function fingerprint(node: GreenNode): string {
  const parts: string[] = [];
  const walk = (n: GreenNode): void => {
    parts.push(`(${n.kind}`);
    if (n.errors.length > 0) parts.push(JSON.stringify(n.errors));
    if (n.lookahead !== 0) parts.push(`la${n.lookahead}`);
    if (n.endModes !== '') parts.push(`m${n.endModes}`);
    for (const c of n.children) {
      if (c instanceof GreenToken) parts.push(`${c.kind}:${JSON.stringify(c.text)}`);
      else walk(c);
    }
    parts.push(')');
  };
  walk(node);
  return parts.join(' ');
}
