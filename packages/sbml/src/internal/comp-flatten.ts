import { OdeonError } from '@odeon/ode';
import { parseXml, type XmlElement, type XmlLimits } from '../xml.ts';

/** Reads an external model file named by `comp:externalModelDefinition/@source` (relative path as written). */
export type ExternalModelResolver = (source: string) => string | undefined;

/** The lists of a model that flattening merges (everything else in a submodel is dropped). */
const LISTS = [
  'listOfFunctionDefinitions',
  'listOfUnitDefinitions',
  'listOfCompartments',
  'listOfSpecies',
  'listOfParameters',
  'listOfInitialAssignments',
  'listOfRules',
  'listOfConstraints',
  'listOfReactions',
  'listOfEvents',
] as const;

/** Attributes that refer to an SId of the model (renamed with their element). */
const REF_ATTRS = ['compartment', 'species', 'variable', 'symbol', 'conversionFactor'] as const;

const SEP = '__';
const MAX_DEPTH = 20;

interface FlatModel {
  readonly lists: Map<string, XmlElement[]>;
  /** Port id → target (`id:x` or `meta:m`), nested ports included under their prefixed ids. */
  readonly ports: Map<string, string>;
  /** Ids of submodel elements that were renamed by a replacement (`sub__x` → new id), for chained references. */
  readonly aliases: Map<string, string>;
  readonly conversionFactor?: string;
}

interface DefSource {
  readonly el: XmlElement;
  readonly doc: XmlElement;
  readonly docKey: string;
}

function unsupported(element: string, what: string): OdeonError {
  return new OdeonError(
    'UnsupportedSbmlFeature',
    `The comp construct ${what} (${element}) is not supported.`,
    {
      feature: 'package:comp',
      element,
      hint: 'Flatten the model with libSBML (CompFlatteningConverter) and load the flat file.',
    },
  );
}

function invalid(element: string, message: string): OdeonError {
  return new OdeonError('SbmlSemanticError', message, {
    element,
    hint: 'Check the comp references (submodelRef, idRef, portRef, metaIdRef, modelRef).',
  });
}

const attr = (el: XmlElement, name: string): string | undefined => el.attrs[`comp:${name}`] ?? el.attrs[name];
const kids = (el: XmlElement | undefined, name: string): XmlElement[] =>
  (el?.children ?? []).filter((c) => c.name === name);
const list = (el: XmlElement, listName: string, item: string): XmlElement[] =>
  kids(el, listName).flatMap((l) => kids(l, item));

/**
 * Flattens an SBML document using the hierarchical model composition package (comp v1): submodels are
 * instantiated with their ids prefixed `submodel__`, deletions remove elements, replacements
 * (replacedElement, replacedBy, through ports and sBaseRef chains) merge them, conversion factors scale
 * replaced values and submodel time and extent. Returns a core-only `<sbml>` root.
 *
 * @throws OdeonError `UnsupportedSbmlFeature` for constructs it cannot flatten, `SbmlSemanticError` for
 *   dangling references, `SbmlParseError` from external files.
 */
export function flattenComp(
  root: XmlElement,
  resolve: ExternalModelResolver | undefined,
  limits: XmlLimits,
): XmlElement {
  const docs = new Map<string, XmlElement>([['', root]]);
  const modelEl = kids(root, 'model')[0];
  if (!modelEl) return root;

  const findDef = (docKey: string, ref: string, depth: number): DefSource => {
    const doc = docs.get(docKey) as XmlElement;
    const main = kids(doc, 'model')[0];
    if (main && (main.attrs.id === ref || main.attrs['comp:id'] === ref)) return { el: main, doc, docKey };
    for (const d of list(doc, 'listOfModelDefinitions', 'modelDefinition'))
      if (attr(d, 'id') === ref) return { el: d, doc, docKey };
    for (const x of list(doc, 'listOfExternalModelDefinitions', 'externalModelDefinition')) {
      if (attr(x, 'id') !== ref) continue;
      const source = attr(x, 'source') ?? '';
      if (!docs.has(source)) {
        const text = resolve?.(source);
        if (text === undefined)
          throw new OdeonError(
            'SbmlExternalModelMissing',
            `The external model file ${JSON.stringify(source.slice(0, 200))} cannot be read.`,
            {
              element: ref,
              hint: 'Put the file beside the model (or pass resolveExternal to parseSbml).',
            },
          );
        docs.set(source, parseXml(text, limits));
      }
      if (depth > MAX_DEPTH) throw invalid(ref, 'External model definitions nest too deeply (a cycle?).');
      const modelRef = attr(x, 'modelRef');
      if (modelRef === undefined) {
        const ext = docs.get(source) as XmlElement;
        const main = kids(ext, 'model')[0];
        if (!main) throw invalid(ref, `The external file ${source.slice(0, 200)} has no <model>.`);
        return { el: main, doc: ext, docKey: source };
      }
      return findDef(source, modelRef, depth + 1);
    }
    throw invalid(ref, `No model definition ${ref} for a submodel.`);
  };

  const flatten = (def: DefSource, depth: number): FlatModel => {
    if (depth > MAX_DEPTH) throw invalid(def.el.attrs.id ?? 'model', 'Submodels nest too deeply (a cycle?).');
    const m = def.el;
    const lists = new Map<string, XmlElement[]>();
    for (const l of LISTS)
      lists.set(
        l,
        kids(m, l).flatMap((x) => [...x.children]),
      );
    const ports = new Map<string, string>();
    const aliases = new Map<string, string>();
    const subs = list(m, 'listOfSubmodels', 'submodel');
    const removedParent = new Set<XmlElement>();
    for (const sub of subs) {
      const sid = attr(sub, 'id') as string;
      const inner = flatten(findDef(def.docKey, attr(sub, 'modelRef') ?? '', depth + 1), depth + 1);
      const rename = new Map<string, MathSub>();
      const remove = new Set<string>();
      const resolveTarget = (el: XmlElement, where: string): string => {
        // Targets inside the submodel, in the submodel's own name space.
        const t = canonical(target(el, where, inner.ports), inner.lists);
        const alias = t.startsWith('id:') ? inner.aliases.get(t.slice(3)) : undefined;
        return alias === undefined ? t : `id:${alias}`;
      };
      for (const del of list(sub, 'listOfDeletions', 'deletion')) remove.add(resolveTarget(del, sid));
      // replacedElement / replacedBy on any element of this model.
      walkAll(lists, (el, owner) => {
        for (const re of list(el, 'listOfReplacedElements', 'replacedElement')) {
          if (attr(re, 'submodelRef') !== sid) continue;
          const ownerId = el.attrs.id;
          if (attr(re, 'deletion') !== undefined) continue;
          const t = resolveTarget(re, ownerId ?? sid);
          remove.add(t);
          if (ownerId === undefined) continue;
          const cf = attr(re, 'conversionFactor');
          rename.set(t, cf === undefined ? { id: ownerId } : { id: ownerId, divideBy: cf });
        }
        for (const rb of kids(el, 'replacedBy')) {
          if (attr(rb, 'submodelRef') !== sid) continue;
          // The submodel's element takes the parent's place and keeps the parent's id.
          const t = resolveTarget(rb, el.attrs.id ?? sid);
          if (!t.startsWith('id:') || el.attrs.id === undefined)
            throw unsupported(el.attrs.id ?? sid, 'replacedBy without ids');
          rename.set(t, { id: el.attrs.id });
          removedParent.add(el);
          void owner;
        }
      });
      const tcf = attr(sub, 'timeConversionFactor');
      const ecf = attr(sub, 'extentConversionFactor');
      // Math in the submodel still sees its reactions' own rates (the flat kinetic law is scaled).
      if (tcf !== undefined || ecf !== undefined)
        for (const r of inner.lists.get('listOfReactions') ?? []) {
          const rid = r.attrs.id;
          if (rid === undefined || rename.has(`id:${rid}`) || remove.has(`id:${rid}`)) continue;
          rename.set(`id:${rid}`, {
            id: `${sid}${SEP}${rid}`,
            ...(ecf === undefined ? {} : { divideBy: ecf }),
            ...(tcf === undefined ? {} : { times: tcf }),
          });
        }
      // Instantiate: drop removed elements, rename ids and references.
      for (const l of LISTS) {
        const out = lists.get(l) as XmlElement[];
        for (const el of inner.lists.get(l) ?? []) {
          if (isRemoved(el, remove)) continue;
          let inst = instantiate(prune(el, remove), sid, rename);
          if (
            l === 'listOfSpecies' &&
            inner.conversionFactor !== undefined &&
            inst.attrs.conversionFactor === undefined
          )
            inst = {
              ...inst,
              attrs: { ...inst.attrs, conversionFactor: renameId(inner.conversionFactor, sid, rename) },
            };
          if (ecf !== undefined || tcf !== undefined) inst = scaleRates(inst, l, ecf, tcf);
          out.push(inst);
        }
      }
      for (const [pid, t] of inner.ports) ports.set(`${sid}${SEP}${pid}`, prefixTarget(t, sid, rename));
      for (const [a, b] of inner.aliases) aliases.set(`${sid}${SEP}${a}`, renameId(b, sid, rename));
      for (const [t, r] of rename) if (t.startsWith('id:')) aliases.set(`${sid}${SEP}${t.slice(3)}`, r.id);
    }
    // Own ports last: they may point into submodels (sBaseRef) through the ports collected above.
    for (const p of list(m, 'listOfPorts', 'port')) {
      const id = attr(p, 'id');
      if (id !== undefined) ports.set(id, canonical(target(p, id, ports), lists));
    }
    for (const l of LISTS)
      lists.set(
        l,
        (lists.get(l) as XmlElement[]).filter((el) => !removedParent.has(el)),
      );
    const cf = m.attrs.conversionFactor;
    return cf === undefined ? { lists, ports, aliases } : { lists, ports, aliases, conversionFactor: cf };
  };

  const flat = flatten({ el: modelEl, doc: root, docKey: '' }, 0);
  const model: XmlElement = {
    name: 'model',
    prefix: '',
    attrs: Object.fromEntries(Object.entries(modelEl.attrs).filter(([k]) => !k.startsWith('comp:'))),
    text: '',
    children: LISTS.filter((l) => (flat.lists.get(l) ?? []).length > 0).map((l) => ({
      name: l,
      prefix: '',
      attrs: {},
      text: '',
      children: (flat.lists.get(l) ?? []).map(stripComp),
    })),
  };
  const rootAttrs = Object.fromEntries(
    Object.entries(root.attrs).filter(
      ([k, v]) => !(k === 'comp:required' || (k.startsWith('xmlns:') && v.includes('/comp/'))),
    ),
  );
  return { ...root, attrs: rootAttrs, children: [model] };
}

/** How references to a replaced element read after flattening: the replacing id, optionally divided by a factor. */
interface MathSub {
  readonly id: string;
  readonly divideBy?: string;
  readonly times?: string;
}

/** The target of a comp reference (idRef, portRef, metaIdRef, with nested sBaseRef), as `id:x` or `meta:m`. */
function target(el: XmlElement, where: string, ports: ReadonlyMap<string, string> | undefined): string {
  const idRef = attr(el, 'idRef');
  const portRef = attr(el, 'portRef');
  const metaIdRef = attr(el, 'metaIdRef');
  const nested = kids(el, 'sBaseRef')[0];
  if (nested !== undefined) {
    // idRef (or portRef) names a submodel; the chain continues inside it.
    const sub = idRef ?? (portRef !== undefined ? ports?.get(portRef)?.replace(/^id:/, '') : undefined);
    if (sub === undefined) throw unsupported(where, 'sBaseRef without a submodel idRef');
    const inner = target(nested, where, ports && prefixedPorts(ports, sub));
    return inner.startsWith('id:')
      ? `id:${sub}${SEP}${inner.slice(3)}`
      : `meta:${sub}${SEP}${inner.slice(5)}`;
  }
  if (idRef !== undefined) return `id:${idRef}`;
  if (metaIdRef !== undefined) return `meta:${metaIdRef}`;
  if (portRef !== undefined) {
    const t = ports?.get(portRef);
    if (t === undefined) throw invalid(where, `No port ${portRef}.`);
    return t;
  }
  if (attr(el, 'unitRef') !== undefined) return 'unit:';
  throw unsupported(where, 'a reference without idRef, portRef or metaIdRef');
}

function prefixedPorts(ports: ReadonlyMap<string, string>, sub: string): Map<string, string> {
  const out = new Map<string, string>();
  const pre = `${sub}${SEP}`;
  // Back into the submodel's own name space.
  const strip = (v: string): string => {
    const kind = v.startsWith('id:') ? 'id:' : v.startsWith('meta:') ? 'meta:' : '';
    return kind !== '' && v.startsWith(`${kind}${pre}`) ? `${kind}${v.slice(kind.length + pre.length)}` : v;
  };
  for (const [k, v] of ports) if (k.startsWith(pre)) out.set(k.slice(pre.length), strip(v));
  return out;
}

function prefixTarget(t: string, sid: string, rename: ReadonlyMap<string, MathSub>): string {
  const r = rename.get(t);
  if (r !== undefined) return `id:${r.id}`;
  if (t.startsWith('id:')) return `id:${sid}${SEP}${t.slice(3)}`;
  if (t.startsWith('meta:')) return `meta:${sid}${SEP}${t.slice(5)}`;
  return t;
}

function isRemoved(el: XmlElement, remove: ReadonlySet<string>): boolean {
  const id = el.attrs.id ?? el.attrs['comp:id'];
  if (id !== undefined && remove.has(`id:${id}`)) return true;
  if (el.attrs.metaid !== undefined && remove.has(`meta:${el.attrs.metaid}`)) return true;
  // Rules and assignments are removed with the variable they define.
  for (const a of ['variable', 'symbol'] as const)
    if (
      el.attrs[a] !== undefined &&
      remove.has(`id:${el.attrs[a]}`) &&
      (el.name.endsWith('Rule') || el.name === 'initialAssignment')
    )
      return true;
  return false;
}

function renameId(id: string, sid: string, rename: ReadonlyMap<string, MathSub>): string {
  return rename.get(`id:${id}`)?.id ?? `${sid}${SEP}${id}`;
}

/** Drops the descendants a deletion or replacement removed (before renaming, in the submodel's name space). */
function prune(el: XmlElement, remove: ReadonlySet<string>): XmlElement {
  return { ...el, children: el.children.filter((c) => !isRemoved(c, remove)).map((c) => prune(c, remove)) };
}

/** Copies a submodel element into the parent: ids and metaids prefixed, references renamed, comp children dropped. */
function instantiate(el: XmlElement, sid: string, rename: ReadonlyMap<string, MathSub>): XmlElement {
  const prefixMeta = (x: XmlElement): XmlElement => ({
    ...x,
    attrs: x.attrs.metaid === undefined ? x.attrs : { ...x.attrs, metaid: `${sid}${SEP}${x.attrs.metaid}` },
    children: x.children.map(prefixMeta),
  });
  const renamed = renameRefs(
    stripComp(el),
    (x) => {
      const r = rename.get(`id:${x}`);
      return r === undefined ? `${sid}${SEP}${x}` : r.id;
    },
    new Set(),
    (x) => {
      const r = rename.get(`id:${x}`);
      return r;
    },
    true,
  );
  return prefixMeta(renamed);
}

/** A `meta:` target of an element that has an id becomes an `id:` target. */
function canonical(t: string, lists: ReadonlyMap<string, XmlElement[]>): string {
  if (!t.startsWith('meta:')) return t;
  const meta = t.slice(5);
  let found: string | undefined;
  const rec = (el: XmlElement): void => {
    if (el.attrs.metaid === meta && el.attrs.id !== undefined && el.name !== 'localParameter')
      found = el.attrs.id;
    for (const c of el.children) if (found === undefined) rec(c);
  };
  for (const items of lists.values()) for (const el of items) if (found === undefined) rec(el);
  return found === undefined ? t : `id:${found}`;
}

/**
 * Renames SId references in an element: `id` (when `definitions`), the reference attributes and MathML
 * `<ci>`, keeping local parameters and lambda arguments. `mathSub` may turn a `<ci>` into x / factor.
 */
function renameRefs(
  el: XmlElement,
  map: (id: string) => string | undefined,
  locals: ReadonlySet<string>,
  mathSub?: (id: string) => MathSub | undefined,
  definitions = false,
): XmlElement {
  if (el.name === 'ci') {
    const name = el.text.trim();
    if (locals.has(name)) return el;
    const sub = mathSub?.(name);
    if (sub !== undefined && (sub.divideBy !== undefined || sub.times !== undefined)) {
      const apply = (op: string, a: XmlElement, b: string): XmlElement => ({
        name: 'apply',
        prefix: el.prefix,
        attrs: {},
        text: '',
        children: [{ name: op, prefix: el.prefix, attrs: {}, text: '', children: [] }, a, { ...el, text: b }],
      });
      let out: XmlElement = { ...el, text: sub.id };
      if (sub.divideBy !== undefined) out = apply('divide', out, sub.divideBy);
      if (sub.times !== undefined) out = apply('times', out, sub.times);
      return out;
    }
    const to = map(name);
    return to === undefined ? el : { ...el, text: to };
  }
  let scope = locals;
  if (el.name === 'kineticLaw') {
    const ids = [...kids(el, 'listOfLocalParameters'), ...kids(el, 'listOfParameters')].flatMap((l) =>
      l.children.map((p) => p.attrs.id as string),
    );
    scope = new Set([...locals, ...ids]);
  } else if (el.name === 'lambda') {
    scope = new Set([...locals, ...kids(el, 'bvar').flatMap((b) => kids(b, 'ci').map((c) => c.text.trim()))]);
  }
  const attrs: Record<string, string> = { ...el.attrs };
  const isLocal = el.name === 'localParameter' || (el.name === 'parameter' && locals !== scope);
  if (definitions && attrs.id !== undefined && !isLocal && !locals.has(attrs.id)) {
    const to = map(attrs.id);
    if (to !== undefined) attrs.id = to;
  }
  for (const a of REF_ATTRS) {
    const v = attrs[a];
    if (v === undefined) continue;
    const to = map(v);
    if (to !== undefined) attrs[a] = to;
  }
  const inKinetic = el.name === 'kineticLaw';
  return {
    ...el,
    attrs,
    children: el.children.map((c) => {
      // Local parameter definitions keep their ids.
      if (inKinetic && (c.name === 'listOfLocalParameters' || c.name === 'listOfParameters')) return c;
      return renameRefs(c, map, scope, mathSub, definitions);
    }),
  };
}

/** Submodel time and extent conversion: kinetic laws × extent / time, rate rules / time, delays × time. */
function scaleRates(el: XmlElement, l: string, ecf: string | undefined, tcf: string | undefined): XmlElement {
  const ci = (id: string): XmlElement => ({ name: 'ci', prefix: '', attrs: {}, text: id, children: [] });
  const op = (name: string, args: XmlElement[]): XmlElement => ({
    name: 'apply',
    prefix: '',
    attrs: {},
    text: '',
    children: [{ name, prefix: '', attrs: {}, text: '', children: [] }, ...args],
  });
  const scaleMath = (math: XmlElement, f: (x: XmlElement) => XmlElement): XmlElement => ({
    ...math,
    children: math.children.map((c, i) => (i === 0 ? f(c) : c)),
  });
  const withMath = (x: XmlElement, f: (m: XmlElement) => XmlElement): XmlElement => ({
    ...x,
    children: x.children.map((c) => (c.name === 'math' ? scaleMath(c, f) : c)),
  });
  const rate = (m: XmlElement): XmlElement => {
    let r = m;
    if (ecf !== undefined) r = op('times', [r, ci(ecf)]);
    if (tcf !== undefined) r = op('divide', [r, ci(tcf)]);
    return r;
  };
  if (l === 'listOfReactions')
    return { ...el, children: el.children.map((c) => (c.name === 'kineticLaw' ? withMath(c, rate) : c)) };
  if (tcf === undefined) return el;
  if (l === 'listOfRules' && el.name === 'rateRule') return withMath(el, (m) => op('divide', [m, ci(tcf)]));
  if (l === 'listOfEvents' || hasTime(el))
    throw unsupported(el.attrs.id ?? l, 'timeConversionFactor with events or time');
  return el;
}

function hasTime(el: XmlElement): boolean {
  if (el.name === 'csymbol' && (el.attrs.definitionURL ?? '').endsWith('/time')) return true;
  return el.children.some(hasTime);
}

function stripComp(el: XmlElement): XmlElement {
  return {
    ...el,
    attrs: Object.fromEntries(Object.entries(el.attrs).filter(([k]) => !k.startsWith('comp:'))),
    children: el.children.filter((c) => c.prefix !== 'comp').map(stripComp),
  };
}

/** Visits every element of the lists (and their descendants). */
function walkAll(
  lists: ReadonlyMap<string, XmlElement[]>,
  f: (el: XmlElement, owner: XmlElement) => void,
): void {
  const rec = (el: XmlElement, owner: XmlElement): void => {
    f(el, owner);
    for (const c of el.children) if (c.prefix !== 'comp' && c.name !== 'math') rec(c, owner);
  };
  for (const items of lists.values()) for (const el of items) rec(el, el);
}
