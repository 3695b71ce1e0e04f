/**
 * A small XML 1.0 well-formedness checker, enough for JUnit files: one root, nested tags that
 * close in order, quoted attributes without raw `<`, and `&` only as an entity. It throws on the
 * first violation and returns how often each element occurs.
 */
const NAME = '[A-Za-z_][\\w.-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const ATTRIBUTE = new RegExp(`\\s+${NAME}="([^"]*)"`, 'g');
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>`);

export function checkWellFormed(xml: string): Map<string, number> {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const counts = new Map<string, number>();
  const stack: string[] = [];
  let roots = 0;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    checkText(text, stack);
    if (lt === -1) break;
    rest = rest.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end === -1) throw new Error('unclosed comment');
      if (rest.slice(4, end).includes('--')) throw new Error('`--` inside a comment');
      rest = rest.slice(end + 3);
      continue;
    }
    const tag = TAG.exec(rest);
    if (!tag) throw new Error(`malformed tag near: ${rest.slice(0, 60)}`);
    const [whole, closing, name = '', attributes = '', selfClosing] = tag;
    for (const [, value = ''] of attributes.matchAll(ATTRIBUTE)) checkText(value, ['attribute']);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0 && ++roots > 1) throw new Error(`second root element <${name}>`);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClosing) stack.push(name);
    }
    rest = rest.slice(whole.length);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) throw new Error('no root element');
  return counts;
}

function checkText(text: string, stack: string[]): void {
  if (stack.length === 0 && text.trim() !== '')
    throw new Error(`text outside the root: ${text.slice(0, 40)}`);
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`bare & in: ${text.slice(0, 60)}`);
  if (text.includes('<')) throw new Error(`raw < in: ${text.slice(0, 60)}`);
}
