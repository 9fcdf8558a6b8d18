import { InvalidOptionError } from '@keel/core/errors';

interface KnobBase {
  /** Short label for a form field. */
  readonly label: string;
  /** One sentence on what the knob changes. */
  readonly description?: string;
}

/**
 * A numeric knob with bounds, for a slider.
 * @category Scenarios
 */
export interface NumberKnob extends KnobBase {
  readonly type: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Slider step. @default (max - min) / 100 */
  readonly step?: number;
  /** Unit shown beside the value, such as `ms` or `req/s`. */
  readonly unit?: string;
}

/**
 * An on/off knob.
 * @category Scenarios
 */
export interface BooleanKnob extends KnobBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

/**
 * A knob choosing one of a few strings.
 * @category Scenarios
 */
export interface ChoiceKnob<O extends string = string> extends KnobBase {
  readonly type: 'choice';
  readonly options: readonly O[];
  readonly default: O;
}

/**
 * Any knob.
 * @category Scenarios
 */
export type Knob = NumberKnob | BooleanKnob | ChoiceKnob;

/**
 * The knobs of a scenario, by name.
 * @category Scenarios
 */
export type KnobSpecs = Readonly<Record<string, Knob>>;

/**
 * The values of a set of knobs: numbers, booleans and the chosen strings.
 * @category Scenarios
 */
export type KnobValues<K extends KnobSpecs> = {
  readonly [P in keyof K]: K[P] extends NumberKnob
    ? number
    : K[P] extends BooleanKnob
      ? boolean
      : K[P] extends ChoiceKnob<infer O>
        ? O
        : never;
};

/**
 * Fills in defaults and validates `given` against `specs`: unknown names, wrong types and
 * out-of-range numbers throw InvalidOptionError naming `knobs.<name>`.
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * const specs = { rps: { type: 'number', label: 'Load', default: 100, min: 1, max: 1000 } } as const;
 * console.log(resolveKnobs(specs, {}).rps); // 100
 * ```
 * @category Scenarios
 */
export function resolveKnobs<K extends KnobSpecs>(
  specs: K,
  given: Partial<Record<string, unknown>> = {},
): KnobValues<K> {
  for (const name of Object.keys(given))
    if (!Object.hasOwn(specs, name))
      throw new InvalidOptionError(`knobs.${name}`, given[name], `one of ${Object.keys(specs).join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name] === undefined ? spec.default : given[name];
    const field = `knobs.${name}`;
    switch (spec.type) {
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max)
          throw new InvalidOptionError(field, value, `a number in [${spec.min}, ${spec.max}]`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw new InvalidOptionError(field, value, 'true or false');
        break;
      case 'choice':
        if (typeof value !== 'string' || !spec.options.includes(value))
          throw new InvalidOptionError(field, value, `one of ${spec.options.join(', ')}`);
        break;
    }
    out[name] = value;
  }
  return out as KnobValues<K>;
}
