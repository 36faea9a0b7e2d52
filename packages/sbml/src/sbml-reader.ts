import { OdeonError } from '@odeon/ode';
import type { MathExpr } from './ast.ts';
import { type ExternalModelResolver, flattenComp } from './internal/comp-flatten.ts';
import { readLambda, readMath } from './mathml.ts';
import type {
  Compartment,
  EventAssignment,
  FunctionDefinition,
  InitialAssignment,
  LocalParameter,
  Model,
  ModelEvent,
  Parameter,
  Reaction,
  Rule,
  Species,
  SpeciesReference,
  UnsupportedFeature,
} from './model.ts';
import { child, listItems, parseXml, type XmlElement, type XmlLimits } from './xml.ts';

/** Options of {@link parseSbml}. */
export interface ParseSbmlOptions extends XmlLimits {
  /**
   * Reads the file a comp `externalModelDefinition` names (its `source`, as written). Without it, models
   * importing external files are refused with `IoError`.
   */
  readonly resolveExternal?: ExternalModelResolver;
}

/** Packages whose presence makes a model more than core SBML and that Odeon cannot yet simulate. */
const REFUSED_PACKAGES: readonly (readonly [string, string])[] = [['/fbc/', 'package:fbc']];

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseError(message: string, element: string): never {
  throw new OdeonError('SbmlParseError', message, {
    element,
    hint: 'Check the SBML document against the SBML specification.',
  });
}

/**
 * Reads an SBML Level 2 (any version) or Level 3 (V1, V2) core document into the internal {@link Model}.
 * Unsupported features (algebraic rules, fast reactions, csymbol delay, the comp and fbc packages) are
 * recorded in `model.unsupported` rather than thrown, so `describeModel` can list them; `compileModel`
 * refuses such models with `UnsupportedSbmlFeature`.
 *
 * @throws OdeonError `SbmlParseError` (malformed XML or SBML), `UnsafeInput`, `InputTooLarge`.
 */
export function parseSbml(text: string, options: ParseSbmlOptions = {}): Model {
  let root = parseXml(text, options);
  // Hierarchical models (comp) are flattened first; the result is core SBML.
  if (
    Object.entries(root.attrs).some(
      ([k, v]) => k.startsWith('xmlns:') && v.includes('sbml.org/sbml/level3/') && v.includes('/comp/'),
    )
  )
    root = flattenComp(root, options.resolveExternal, options);
  if (root.name !== 'sbml')
    parseError(`The root element is <${root.name.slice(0, 30)}>, expected <sbml>.`, 'sbml');
  const level = Number(root.attrs.level);
  const version = Number(root.attrs.version);
  if (!(level === 2 || level === 3) || !Number.isInteger(version) || version < 1 || version > 5)
    throw new OdeonError(
      'UnsupportedSbmlFeature',
      `SBML Level ${String(root.attrs.level).slice(0, 8)} Version ${String(root.attrs.version).slice(0, 8)} is not supported.`,
      {
        feature: `SBML Level ${String(root.attrs.level).slice(0, 8)}`,
        element: 'sbml',
        hint: 'Odeon reads SBML Level 2 (V1–V5) and Level 3 (V1, V2); convert Level 1 files with libSBML.',
      },
    );
  const unsupported: UnsupportedFeature[] = [];
  for (const [attr, value] of Object.entries(root.attrs)) {
    if (!attr.startsWith('xmlns:')) continue;
    const prefix = attr.slice(6);
    const refused = REFUSED_PACKAGES.find(
      ([frag]) => value.includes('sbml.org/sbml/level3/') && value.includes(frag),
    );
    if (refused) unsupported.push({ feature: refused[1], element: 'sbml' });
    else if (root.attrs[`${prefix}:required`] === 'true')
      unsupported.push({ feature: `package:${prefix}`, element: 'sbml' });
  }
  const modelEl = child(root, 'model');
  if (!modelEl) parseError('The document has no <model>.', 'sbml');
  return new Reader(level, version, unsupported).model(modelEl);
}

class Reader {
  constructor(
    readonly level: number,
    readonly version: number,
    readonly unsupported: UnsupportedFeature[],
  ) {}

  id(el: XmlElement, what: string, required = true): string {
    const id = el.attrs.id;
    if (id === undefined || id === '') {
      if (required) parseError(`A <${what}> has no id.`, what);
      return '';
    }
    if (!ID_PATTERN.test(id))
      parseError(`Invalid SBML id ${JSON.stringify(id.slice(0, 40))} on <${what}>.`, what);
    return id;
  }

  ref(el: XmlElement, attr: string, what: string, required = true): string {
    const v = el.attrs[attr];
    if (v === undefined || v === '') {
      if (required) parseError(`<${what}> lacks the required attribute ${attr}.`, what);
      return '';
    }
    if (!ID_PATTERN.test(v))
      parseError(`Invalid SBML id ${JSON.stringify(v.slice(0, 40))} in ${attr} of <${what}>.`, what);
    return v;
  }

  num(el: XmlElement, attr: string, fallback: number, element: string): number {
    const v = el.attrs[attr];
    if (v === undefined) return fallback;
    const t = v.trim();
    const lower = t.toLowerCase();
    if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
    if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
    if (lower === 'nan') return Number.NaN;
    const x = Number(t);
    if (t === '' || Number.isNaN(x))
      parseError(
        `Attribute ${attr} of ${element} is not a number: ${JSON.stringify(t.slice(0, 40))}.`,
        element,
      );
    return x;
  }

  bool(el: XmlElement, attr: string, fallback: boolean, element: string): boolean {
    const v = el.attrs[attr];
    if (v === undefined) return fallback;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return parseError(`Attribute ${attr} of ${element} must be true or false.`, element);
  }

  math(el: XmlElement | undefined, element: string): MathExpr | undefined {
    if (!el) return undefined;
    const m = child(el, 'math');
    if (!m) return undefined;
    return readMath(m, element);
  }

  optionalName(el: XmlElement): { name?: string } {
    const name = el.attrs.name;
    return name === undefined ? {} : { name };
  }

  model(el: XmlElement): Model {
    const L2 = this.level === 2;
    const functions: FunctionDefinition[] = listItems(
      el,
      'listOfFunctionDefinitions',
      'functionDefinition',
    ).flatMap((f) => {
      const id = this.id(f, 'functionDefinition');
      const m = child(f, 'math');
      if (!m) return []; // L3V2: a function definition without MathML is unusable; calls to it are errors.
      const lambda = readLambda(m, id);
      return [{ id, ...this.optionalName(f), params: lambda.params, body: lambda.body }];
    });
    const compartments: Compartment[] = listItems(el, 'listOfCompartments', 'compartment').map((c) => {
      const id = this.id(c, 'compartment');
      const dims = this.num(c, 'spatialDimensions', 3, id);
      const size = this.num(c, 'size', this.num(c, 'volume', L2 && dims !== 0 ? 1 : Number.NaN, id), id);
      return {
        id,
        ...this.optionalName(c),
        size,
        constant: this.bool(c, 'constant', true, id),
        spatialDimensions: dims,
      };
    });
    const species: Species[] = listItems(el, 'listOfSpecies', 'species').map((s) => {
      const id = this.id(s, 'species');
      const out: Species = {
        id,
        ...this.optionalName(s),
        compartment: this.ref(s, 'compartment', `species ${id}`),
        hasOnlySubstanceUnits: this.bool(s, 'hasOnlySubstanceUnits', false, id),
        boundaryCondition: this.bool(s, 'boundaryCondition', false, id),
        constant: this.bool(s, 'constant', false, id),
        ...(s.attrs.initialAmount !== undefined
          ? { initialAmount: this.num(s, 'initialAmount', 0, id) }
          : {}),
        ...(s.attrs.initialConcentration !== undefined
          ? { initialConcentration: this.num(s, 'initialConcentration', 0, id) }
          : {}),
        ...(s.attrs.conversionFactor !== undefined
          ? { conversionFactor: this.ref(s, 'conversionFactor', `species ${id}`) }
          : {}),
      };
      return out;
    });
    const parameters: Parameter[] = listItems(el, 'listOfParameters', 'parameter').map((p) => {
      const id = this.id(p, 'parameter');
      return {
        id,
        ...this.optionalName(p),
        value: this.num(p, 'value', Number.NaN, id),
        constant: this.bool(p, 'constant', true, id),
      };
    });
    const initialAssignments: InitialAssignment[] = listItems(
      el,
      'listOfInitialAssignments',
      'initialAssignment',
    ).flatMap((a) => {
      const symbol = this.ref(a, 'symbol', 'initialAssignment');
      // SBML L3V2 allows elements without MathML: they have no effect.
      const math = this.math(a, `initialAssignment ${symbol}`);
      return math ? [{ symbol, math }] : [];
    });
    const rulesEl = child(el, 'listOfRules');
    const rules: Rule[] = [];
    for (const r of rulesEl?.children ?? []) {
      if (r.name === 'assignmentRule' || r.name === 'rateRule') {
        const variable = this.ref(r, 'variable', r.name);
        const math = this.math(r, `${r.name} ${variable}`);
        if (math) rules.push({ kind: r.name === 'assignmentRule' ? 'assignment' : 'rate', variable, math });
      } else if (r.name === 'algebraicRule') {
        const math = this.math(r, 'algebraicRule');
        const id = r.attrs.id ?? r.attrs.metaid ?? `algebraicRule #${rules.length + 1}`;
        if (math) rules.push({ kind: 'algebraic', id, math });
      }
    }
    const reactions: Reaction[] = listItems(el, 'listOfReactions', 'reaction').map((r) => this.reaction(r));
    const events: ModelEvent[] = listItems(el, 'listOfEvents', 'event').map((e, i) => this.event(e, i));
    for (const c of el.children)
      if (c.prefix !== '' && c.name.startsWith('listOf'))
        this.unsupported.push({ feature: `package:${c.prefix}`, element: `${c.prefix}:${c.name}` });
    return {
      ...(el.attrs.id !== undefined ? { id: el.attrs.id } : {}),
      ...this.optionalName(el),
      level: this.level,
      version: this.version,
      functions,
      compartments,
      species,
      parameters,
      reactions,
      initialAssignments,
      rules,
      events,
      ...(el.attrs.conversionFactor !== undefined
        ? { conversionFactor: this.ref(el, 'conversionFactor', 'model') }
        : {}),
      unsupported: dedupe(this.unsupported),
    };
  }

  speciesRef(s: XmlElement, reaction: string): SpeciesReference {
    const species = this.ref(s, 'species', `speciesReference in reaction ${reaction}`);
    const sid = s.attrs.id !== undefined ? this.id(s, 'speciesReference') : undefined;
    const element = sid ?? `${reaction}/${species}`;
    const smEl = child(s, 'stoichiometryMath');
    const stoichiometryMath = smEl ? this.math(smEl, `stoichiometryMath of ${element}`) : undefined;
    const fallback = this.level === 2 ? 1 : Number.NaN;
    return {
      species,
      ...(sid !== undefined ? { id: sid } : {}),
      stoichiometry: this.num(s, 'stoichiometry', fallback, element),
      constant: this.bool(s, 'constant', this.level === 2 && !stoichiometryMath, element),
      ...(stoichiometryMath ? { stoichiometryMath } : {}),
    };
  }

  reaction(r: XmlElement): Reaction {
    const id = this.id(r, 'reaction');
    const fast = this.bool(r, 'fast', false, id);
    const kl = child(r, 'kineticLaw');
    const localParameters: LocalParameter[] = [];
    if (kl) {
      for (const p of [
        ...listItems(kl, 'listOfLocalParameters', 'localParameter'),
        ...listItems(kl, 'listOfParameters', 'parameter'),
      ]) {
        const pid = this.id(p, 'localParameter');
        localParameters.push({
          id: pid,
          ...this.optionalName(p),
          value: this.num(p, 'value', Number.NaN, `${id}/${pid}`),
        });
      }
    }
    const kineticLaw = kl ? this.math(kl, `kineticLaw of ${id}`) : undefined;
    return {
      id,
      ...this.optionalName(r),
      reversible: this.bool(r, 'reversible', true, id),
      reactants: listItems(r, 'listOfReactants', 'speciesReference').map((s) => this.speciesRef(s, id)),
      products: listItems(r, 'listOfProducts', 'speciesReference').map((s) => this.speciesRef(s, id)),
      modifiers: listItems(r, 'listOfModifiers', 'modifierSpeciesReference').map((m) =>
        this.ref(m, 'species', `modifier in ${id}`),
      ),
      ...(kineticLaw ? { kineticLaw } : {}),
      localParameters,
      ...(fast ? { fast } : {}),
    };
  }

  event(e: XmlElement, index: number): ModelEvent {
    const id = e.attrs.id !== undefined ? this.id(e, 'event') : `event #${index + 1}`;
    const trig = child(e, 'trigger');
    const delay = this.math(child(e, 'delay'), `delay of event ${id}`);
    const priority = this.math(child(e, 'priority'), `priority of event ${id}`);
    const assignments: EventAssignment[] = listItems(e, 'listOfEventAssignments', 'eventAssignment').flatMap(
      (a) => {
        const variable = this.ref(a, 'variable', `eventAssignment in ${id}`);
        const math = this.math(a, `eventAssignment ${variable} of event ${id}`);
        return math ? [{ variable, math }] : [];
      },
    );
    return {
      id,
      ...this.optionalName(e),
      // A trigger without MathML never fires.
      trigger: (trig && this.math(trig, `trigger of event ${id}`)) ?? { type: 'number', value: 0 },
      initialValue: trig ? this.bool(trig, 'initialValue', true, id) : true,
      persistent: trig ? this.bool(trig, 'persistent', true, id) : true,
      ...(delay ? { delay } : {}),
      ...(priority ? { priority } : {}),
      useValuesFromTriggerTime: this.bool(e, 'useValuesFromTriggerTime', true, id),
      assignments,
    };
  }
}

function dedupe(list: UnsupportedFeature[]): UnsupportedFeature[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const k = `${u.feature}\u0000${u.element}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
