import { OdeonError } from '@odeon/ode';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed XML element: local tag name (namespace prefix removed), attributes, children, text. */
export interface XmlElement {
  /** Local name, without namespace prefix (`math:apply` → `apply`). */
  readonly name: string;
  /** The namespace prefix as written (`''` when none). */
  readonly prefix: string;
  /** Attributes by their name as written (prefixed names keep their prefix). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Direct text segments, trimmed and joined by one space (`<cn>1 <sep/> 3</cn>` → `'1 3'`). */
  readonly text: string;
}

/** Limits applied before any parsing. */
export interface XmlLimits {
  /** Maximum input length in characters (default 32 MiB). */
  readonly maxChars?: number;
  /** Maximum element nesting depth (default 200). */
  readonly maxDepth?: number;
}

const XML_LIMIT_DEFAULTS = { maxChars: 32 * 1024 * 1024, maxDepth: 200 } satisfies Required<XmlLimits>;

const TEXT = '#text';
const ATTRS = ':@';

/**
 * Parses XML text with fast-xml-parser into a small element tree. Refuses document type declarations
 * and entity declarations (`UnsafeInput`: no entity expansion is ever performed), oversized or too deeply
 * nested input (`InputTooLarge`) and malformed XML (`SbmlParseError`, with line and column).
 */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const { maxChars, maxDepth } = { ...XML_LIMIT_DEFAULTS, ...limits };
  if (typeof text !== 'string')
    throw new OdeonError('SbmlParseError', 'Expected the SBML document as a string.', {
      hint: 'Read the file as UTF-8 text before parsing.',
    });
  if (text.length > maxChars)
    throw new OdeonError(
      'InputTooLarge',
      `The document has ${text.length} characters, above the limit of ${maxChars}.`,
      {
        value: text.length,
        allowed: `at most ${maxChars} characters`,
        hint: 'Raise `maxChars` if the model is genuinely this large.',
      },
    );
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw new OdeonError(
      'UnsafeInput',
      'The document contains a DOCTYPE or ENTITY declaration, which is refused.',
      {
        feature: 'DOCTYPE',
        hint: 'SBML never needs a document type declaration; remove it (entity expansion is a known attack vector).',
      },
    );
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true && /^Invalid '\[/.test(valid.err.msg)) {
    // The validator lists the tags still open at the end of the text: the file is cut short.
    let open: string[] = [];
    try {
      open = (JSON.parse(valid.err.msg.slice(9, valid.err.msg.lastIndexOf(']') + 1)) as unknown[]).map((t) =>
        String(t).trim().slice(0, 40),
      );
    } catch {
      /* keep the generic message */
    }
    const lines = text.split('\n');
    const line = lines.length;
    const col = lines[line - 1].length + 1;
    throw new OdeonError(
      'SbmlParseError',
      `The XML ends at line ${line}, column ${col} with ${open.length} element(s) still open${
        open.length > 0
          ? ` (${open
              .slice(-4)
              .map((t) => `<${t}>`)
              .join(' > ')})`
          : ''
      }: the file looks truncated.`,
      { value: { line, col }, hint: 'Check that the whole file was written or downloaded.' },
    );
  }
  if (valid !== true) {
    // An error on the last line of a text that stops inside a tag: cut short mid-tag, not malformed.
    const lines = text.split('\n');
    const cut = valid.err.line >= lines.length && /<[^>]*$/.test(text);
    const line = cut ? lines.length : valid.err.line;
    const col = cut ? lines[lines.length - 1].length + 1 : valid.err.col;
    throw new OdeonError(
      'SbmlParseError',
      cut
        ? `The XML ends at line ${line}, column ${col} inside an unfinished tag: the file looks truncated.`
        : `Malformed XML at line ${line}, column ${col}: ${valid.err.msg}`,
      {
        value: { line, col },
        hint: cut
          ? 'Check that the whole file was written or downloaded.'
          : 'Check that the file is well-formed XML.',
      },
    );
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    // Only the five predefined entities and character references can occur: DOCTYPE (and so ENTITY) is refused above.
    processEntities: true,
    htmlEntities: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
    stopNodes: ['*.notes', '*.annotation'],
  });
  let raw: unknown;
  try {
    raw = parser.parse(text);
  } catch (cause) {
    if (cause instanceof Error && /nested tags exceeded/i.test(cause.message))
      throw new OdeonError('InputTooLarge', `XML nesting is too deep (${cause.message}).`, {
        cause,
        hint: 'Such deep nesting is not produced by SBML tools; check the input.',
      });
    throw new OdeonError(
      'SbmlParseError',
      `Malformed XML: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
        hint: 'Check that the file is well-formed XML.',
      },
    );
  }
  const roots = convertList(raw, 0, maxDepth);
  if (roots.length !== 1)
    throw new OdeonError('SbmlParseError', `Expected exactly one root element, found ${roots.length}.`, {
      hint: 'An SBML file has a single <sbml> root element.',
    });
  return roots[0];
}

function convertList(raw: unknown, depth: number, maxDepth: number): XmlElement[] {
  if (!Array.isArray(raw)) return [];
  if (depth > maxDepth)
    throw new OdeonError('InputTooLarge', `XML nesting deeper than ${maxDepth} levels.`, {
      allowed: `at most ${maxDepth} nested elements`,
      hint: 'Such deep nesting is not produced by SBML tools; check the input.',
    });
  const out: XmlElement[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === ATTRS || key === TEXT) continue;
      const rawAttrs = record[ATTRS];
      const attrs: Record<string, string> = Object.create(null);
      if (rawAttrs !== null && typeof rawAttrs === 'object')
        for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) attrs[k] = String(v);
      const childrenRaw = record[key];
      const colon = key.indexOf(':');
      const children =
        key.endsWith('notes') || key.endsWith('annotation')
          ? []
          : convertList(childrenRaw, depth + 1, maxDepth);
      const texts: string[] = [];
      if (Array.isArray(childrenRaw))
        for (const c of childrenRaw)
          if (c !== null && typeof c === 'object' && TEXT in c)
            texts.push(String((c as Record<string, unknown>)[TEXT]).trim());
      out.push({
        name: colon >= 0 ? key.slice(colon + 1) : key,
        prefix: colon >= 0 ? key.slice(0, colon) : '',
        attrs,
        children,
        text: texts.join(' ').trim(),
      });
    }
  }
  return out;
}

/** The first child element with the given local name. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** All child elements with the given local name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Children of the `listOfX` child (e.g. `list(model, 'listOfSpecies', 'species')`). */
export function listItems(el: XmlElement, listName: string, itemName: string): XmlElement[] {
  const list = child(el, listName);
  return list ? childrenNamed(list, itemName) : [];
}
