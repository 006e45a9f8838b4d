/**
 * xml_to_dict: an XML document as a JSON object, shaped as RDI's (Python's xmltodict) are:
 * `<root><name>John</name><age>30</age></root>` is `{"root": {"name": "John", "age": "30"}}`.
 *
 * - An element with only text is that text (trimmed); an empty element is null.
 * - Attributes are members named `@name`; the text of an element that also has attributes or children is the
 *   member `#text`.
 * - A child name seen twice becomes an array of the values, in document order.
 * - Comments, processing instructions and the DOCTYPE are skipped; CDATA is text; the five predefined
 *   entities and character references are decoded. Entities a DOCTYPE declares are not (nor fetched).
 *
 * The parser is iterative, so deep documents cannot overflow the stack.
 */
import type { JSONObject, JSONValue } from '@jmespath-community/jmespath';
import { setMember } from './arguments.js';

interface OpenElement {
  readonly name: string;
  readonly members: JSONObject;
  hasMembers: boolean;
  text: string;
}

const NAME = /^[^\s/>=<"'!?]+/;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Adds a child's value under its name; a repeated name collects the values in an array. */
function addChild(target: JSONObject, name: string, value: JSONValue): void {
  if (!Object.hasOwn(target, name)) setMember(target, name, value);
  else {
    const existing = target[name] ?? null;
    if (Array.isArray(existing)) existing.push(value);
    else setMember(target, name, [existing, value]);
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, entity: string) => {
    if (!whole.endsWith(';')) throw new Error(`"&${entity}" is not closed by ";"`);
    const hex = /^#x([0-9a-fA-F]+)$/.exec(entity);
    const dec = /^#([0-9]+)$/.exec(entity);
    const code = hex?.[1] ? parseInt(hex[1], 16) : dec?.[1] ? parseInt(dec[1], 10) : undefined;
    if (code !== undefined) {
      if (code > 0x10ffff) throw new Error(`"&${entity};" is not a character`);
      return String.fromCodePoint(code);
    }
    const named = ENTITIES[entity];
    if (named === undefined) throw new Error(`the entity "&${entity};" is not defined`);
    return named;
  });
}

function valueOf(element: OpenElement): JSONValue {
  const text = element.text.trim();
  if (!element.hasMembers) return text === '' ? null : text;
  if (text !== '') setMember(element.members, '#text', text);
  return element.members;
}

/** Position of `token` from `from`, or an error naming what is unterminated. */
function find(xml: string, token: string, from: number, what: string): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new Error(`${what} is not closed`);
  return at;
}

/** The document as a JSON object with one member, the root element. Throws Error when it is not well-formed. */
export function xmlToDict(xml: string): JSONObject {
  const document: JSONObject = {};
  const stack: OpenElement[] = [];
  let rootSeen = false;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const appendText = (text: string): void => {
    const open = stack[stack.length - 1];
    if (open) open.text += text;
    else if (text.trim() !== '') throw new Error('there is text outside the root element');
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      appendText(decodeEntities(xml.slice(i)));
      break;
    }
    if (lt > i) appendText(decodeEntities(xml.slice(i, lt)));
    if (xml.startsWith('<!--', lt)) i = find(xml, '-->', lt + 4, 'a comment') + 3;
    else if (xml.startsWith('<?', lt)) i = find(xml, '?>', lt + 2, 'a processing instruction') + 2;
    else if (xml.startsWith('<![CDATA[', lt)) {
      const end = find(xml, ']]>', lt + 9, 'a CDATA section');
      appendText(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!DOCTYPE', lt)) {
      const bracket = xml.indexOf('[', lt);
      const close = find(xml, '>', lt, 'the DOCTYPE');
      i = bracket >= 0 && bracket < close ? find(xml, ']', bracket, 'the DOCTYPE') + 1 : lt;
      i = find(xml, '>', i, 'the DOCTYPE') + 1;
    } else if (xml[lt + 1] === '/') {
      const name = NAME.exec(xml.slice(lt + 2))?.[0];
      const open = stack.pop();
      if (!open || name !== open.name) {
        throw new Error(
          `the end tag </${name ?? ''}> does not match ${open ? `<${open.name}>` : 'any open element'}`,
        );
      }
      const end = find(xml, '>', lt + 2 + name.length, `the end tag </${name}>`);
      if (xml.slice(lt + 2 + name.length, end).trim() !== '')
        throw new Error(`the end tag </${name}> is malformed`);
      i = end + 1;
      close(open);
    } else i = openElement(lt);
  }
  if (stack.length > 0) throw new Error(`the element <${stack[stack.length - 1]?.name ?? ''}> is not closed`);
  if (!rootSeen) throw new Error('there is no root element');
  return document;

  function close(element: OpenElement): void {
    const parent = stack[stack.length - 1];
    if (parent) {
      addChild(parent.members, element.name, valueOf(element));
      parent.hasMembers = true;
    } else setMember(document, element.name, valueOf(element));
  }

  /** Reads the start tag at `lt`; returns the position after it. */
  function openElement(lt: number): number {
    const name = NAME.exec(xml.slice(lt + 1))?.[0];
    if (!name) throw new Error(`a tag at offset ${lt} has no name`);
    if (stack.length === 0) {
      if (rootSeen) throw new Error(`there is a second root element <${name}>`);
      rootSeen = true;
    }
    const element: OpenElement = { name, members: {}, hasMembers: false, text: '' };
    let at = lt + 1 + name.length;
    for (;;) {
      while (/\s/.test(xml[at] ?? '')) at++;
      const char = xml[at];
      if (char === undefined) throw new Error(`the start tag <${name}> is not closed`);
      if (char === '>' || xml.startsWith('/>', at)) {
        if (char === '>') {
          stack.push(element);
          return at + 1;
        }
        close(element);
        return at + 2;
      }
      const attribute = NAME.exec(xml.slice(at))?.[0];
      if (!attribute) throw new Error(`the start tag <${name}> is malformed`);
      at += attribute.length;
      while (/\s/.test(xml[at] ?? '')) at++;
      if (xml[at] !== '=') throw new Error(`the attribute ${attribute} of <${name}> has no value`);
      at++;
      while (/\s/.test(xml[at] ?? '')) at++;
      const quote = xml[at];
      if (quote !== '"' && quote !== "'")
        throw new Error(`the attribute ${attribute} of <${name}> is not quoted`);
      const end = find(xml, quote, at + 1, `the attribute ${attribute} of <${name}>`);
      setMember(element.members, `@${attribute}`, decodeEntities(xml.slice(at + 1, end)));
      element.hasMembers = true;
      at = end + 1;
    }
  }
}
