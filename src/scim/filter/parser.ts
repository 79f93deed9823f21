import { type AttrPath, parseAttrPath, type PathErrorFactory, truncate } from '../path/attr-path';
import {
  COMPARE_OPS,
  type CompareOp,
  type CompareValue,
  DEFAULT_FILTER_LIMITS,
  type Filter,
  type FilterLimits,
} from './ast';
import { type Token, tokenize } from './tokenizer';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2 (with errata 4690/7322:
 * no valuePath inside a valuePath), plus Entra's `attr[filter].sub op value`, read as
 * `attr[filter and sub op value]`. Precedence: grouping, then `not`, then `and`, then `or`.
 * Keywords and operators are case-insensitive. Produces a syntax tree; names are checked
 * against a schema afterwards (validate.ts).
 */
export class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly fail: PathErrorFactory,
    private readonly limits: FilterLimits = DEFAULT_FILTER_LIMITS,
  ) {
    if (text.length > limits.maxLength) throw fail(`Filter is longer than ${limits.maxLength} characters`);
    this.tokens = tokenize(text, fail);
  }

  /** The whole text is one filter. */
  parseFilter(): Filter {
    if (this.tokens.length === 0) throw this.fail('Filter is empty');
    const filter = this.parseOr(undefined);
    this.expectEnd();
    return filter;
  }

  /** The whole text is a PATCH path: `attrPath` or `valuePath [ "." subAttr ]` (RFC 7644 §3.5.2). */
  parsePatchPath(): { attrPath: AttrPath; filter?: Filter } {
    const first = this.next();
    if (first?.type !== 'word') throw this.fail('Path must start with an attribute name');
    let attrPath = parseAttrPath(first.text, this.fail);
    let filter: Filter | undefined;
    if (this.peekPunct('[')) {
      if (attrPath.subAttr !== undefined)
        throw this.fail(`"[" must follow a top-level attribute in "${this.text}"`);
      this.index++;
      filter = this.parseBracket(attrPath);
      const after = this.peek();
      if (after?.type === 'word' && after.pos === this.tokens[this.index - 1].pos + 1) {
        if (!/^\.[^.]+$/.test(after.text)) throw this.fail(`Invalid sub-attribute "${after.text}" after "]"`);
        this.index++;
        const sub = parseAttrPath(`${after.text.slice(1)}`, this.fail);
        if (sub.subAttr !== undefined || sub.schema !== undefined)
          throw this.fail(`Invalid sub-attribute "${after.text}"`);
        attrPath = { ...attrPath, subAttr: sub.attr };
      }
    }
    this.expectEnd();
    return filter === undefined ? { attrPath } : { attrPath, filter };
  }

  private parseOr(scope: AttrPath | undefined): Filter {
    const filters = [this.parseAnd(scope)];
    while (this.peekKeyword('or')) {
      this.index++;
      filters.push(this.parseAnd(scope));
    }
    return filters.length === 1 ? filters[0] : { kind: 'or', filters: flatten('or', filters) };
  }

  private parseAnd(scope: AttrPath | undefined): Filter {
    const filters = [this.parseUnary(scope)];
    while (this.peekKeyword('and')) {
      this.index++;
      filters.push(this.parseUnary(scope));
    }
    return filters.length === 1 ? filters[0] : { kind: 'and', filters: flatten('and', filters) };
  }

  private parseUnary(scope: AttrPath | undefined): Filter {
    const token = this.peek();
    if (token === undefined) throw this.fail(`Unexpected end of filter at position ${this.text.length}`);
    if (token.type === 'word' && token.text.toLowerCase() === 'not' && this.peekPunct('(', 1)) {
      this.index += 2;
      const filter = this.nested(() => this.parseOr(scope));
      this.expectPunct(')');
      return { kind: 'not', filter };
    }
    if (token.type === 'punct' && token.text === '(') {
      this.index++;
      const filter = this.nested(() => this.parseOr(scope));
      this.expectPunct(')');
      return filter;
    }
    return this.parseAttributeExpression(scope);
  }

  private parseAttributeExpression(scope: AttrPath | undefined): Filter {
    const token = this.next() as Token;
    if (token.type !== 'word') throw this.unexpected(token, 'an attribute name');
    const path = this.pathIn(scope, token);
    if (this.peekPunct('[')) {
      if (scope !== undefined)
        throw this.fail(`A value filter cannot be nested in another at position ${token.pos}`);
      if (path.subAttr !== undefined)
        throw this.fail(`"[" must follow a top-level attribute at position ${token.pos}`);
      this.index++;
      const inner = this.parseBracket(path);
      const sub = this.subAttributeAfterBracket(path);
      if (sub === undefined) return { kind: 'valuePath', path, filter: inner };
      // Entra: `emails[type eq "work"].value eq "x"` means `emails[type eq "work" and value eq "x"]`.
      const comparison = this.parseComparison(sub);
      return { kind: 'valuePath', path, filter: { kind: 'and', filters: [...conjuncts(inner), comparison] } };
    }
    return this.parseComparison(path);
  }

  /**
   * `.sub` written right after the closing bracket (no space), as in `emails[type eq "work"].value`.
   * Not in the RFC 7644 filter grammar, but Entra sends it when a filtered sub-attribute is the
   * matching attribute. Returns the sub-attribute's path inside `parent`.
   */
  private subAttributeAfterBracket(parent: AttrPath): AttrPath | undefined {
    const after = this.peek();
    const close = this.tokens[this.index - 1];
    if (after?.type !== 'word' || !after.text.startsWith('.') || after.pos !== close.pos + 1)
      return undefined;
    if (!/^\.[^.]+$/.test(after.text))
      throw this.fail(
        `Invalid sub-attribute "${truncate(after.text, 40)}" after "]" at position ${after.pos}`,
      );
    this.index++;
    const sub = parseAttrPath(after.text.slice(1), this.fail);
    if (sub.subAttr !== undefined || sub.schema !== undefined)
      throw this.fail(`Invalid sub-attribute "${truncate(after.text, 40)}" at position ${after.pos}`);
    return parent.schema === undefined
      ? { attr: parent.attr, subAttr: sub.attr }
      : { schema: parent.schema, attr: parent.attr, subAttr: sub.attr };
  }

  /** `op value` or `pr` after an attribute path. */
  private parseComparison(path: AttrPath): Filter {
    const opToken = this.next();
    if (opToken?.type !== 'word') throw this.unexpected(opToken, 'an operator');
    const op = opToken.text.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!(COMPARE_OPS as readonly string[]).includes(op)) throw this.unexpected(opToken, 'an operator');
    return { kind: 'compare', path, op: op as CompareOp, value: this.parseValue() };
  }

  private parseBracket(parent: AttrPath): Filter {
    const filter = this.nested(() => this.parseOr(parent));
    this.expectPunct(']');
    return filter;
  }

  private parseValue(): CompareValue {
    const token = this.next();
    if (token?.type === 'string') return token.value;
    if (token?.type === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (NUMBER.test(token.text)) return Number(token.text);
    }
    throw this.unexpected(token, 'a value (string, number, true, false or null)');
  }

  /** Inside `attr[...]`, names are sub-attributes of `attr`. */
  private pathIn(scope: AttrPath | undefined, token: Token): AttrPath {
    const path = parseAttrPath(token.text, this.fail);
    if (scope === undefined) return path;
    if (path.schema !== undefined || path.subAttr !== undefined) {
      throw this.fail(
        `Expected a sub-attribute of "${scope.attr}" at position ${token.pos}, found "${token.text}"`,
      );
    }
    return scope.schema === undefined
      ? { attr: scope.attr, subAttr: path.attr }
      : { schema: scope.schema, attr: scope.attr, subAttr: path.attr };
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > this.limits.maxDepth)
      throw this.fail(`Filter is nested deeper than ${this.limits.maxDepth} levels`);
    const result = parse();
    this.depth--;
    return result;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }
  private next(): Token | undefined {
    return this.tokens[this.index++];
  }
  private peekPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.type === 'punct' && t.text === text;
  }
  private peekKeyword(word: string): boolean {
    const t = this.peek();
    return t?.type === 'word' && t.text.toLowerCase() === word;
  }
  private expectPunct(text: string): void {
    const t = this.next();
    if (t?.type !== 'punct' || t.text !== text) throw this.unexpected(t, `"${text}"`);
  }
  private expectEnd(): void {
    const t = this.peek();
    if (t !== undefined) throw this.unexpected(t, 'end of input');
  }
  private unexpected(token: Token | undefined, expected: string) {
    if (token === undefined)
      return this.fail(`Expected ${expected} at position ${this.text.length} (end of input)`);
    return this.fail(`Expected ${expected} at position ${token.pos}, found "${truncate(token.text, 40)}"`);
  }
}

/** The filters of a conjunction, or the filter itself. */
function conjuncts(filter: Filter): Filter[] {
  return filter.kind === 'and' ? [...filter.filters] : [filter];
}

function flatten(kind: 'and' | 'or', filters: Filter[]): Filter[] {
  return filters.flatMap((f) => (f.kind === kind ? f.filters : [f]));
}
