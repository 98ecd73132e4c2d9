import { type GreenNode, GreenToken } from './green';
import { isTrivia, kindName } from './kinds';

/** An indented outline of a green tree (significant tokens only), for tests and debugging. */
export function dumpTree(node: GreenNode, indent = ''): string {
  let out = `${indent}${kindName(node.kind)}\n`;
  for (const c of node.children) {
    if (c instanceof GreenToken) {
      if (!isTrivia(c.kind)) out += `${indent}  ${kindName(c.kind)} ${JSON.stringify(c.text)}\n`;
    } else out += dumpTree(c, `${indent}  `);
  }
  return out;
}
