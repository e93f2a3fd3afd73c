import { itemPath, JobspecError, joinPath } from '../errors';
import type { HclAttribute, HclBlock, HclBody, HclValue } from '../hcl';
import { HclExpression, isIdentifier } from '../hcl';
import { type AnyStruct, type Field, labelValue } from '../schema/dsl';
import type { Duration, Size } from '../values';

type Props = Readonly<Record<string, unknown>>;

// Plain nodes instead of the public attribute()/block(), which check and freeze every node:
// the renderer checks names and labels once, when it writes them.
function attribute(name: string, value: HclValue): HclAttribute {
  return { kind: 'attribute', name, value };
}

function block(type: string, labels: readonly string[], body: HclBody): HclBlock {
  return { kind: 'block', type, labels, body };
}

/**
 * The HCL body of a struct: attributes first, then blocks, each in schema order
 * (the order of Nomad's documentation), then `raw.hcl` attributes.
 * `omit` names props rendered elsewhere (the block's label).
 */
export function structBody(struct: AnyStruct, props: Props, path: string, omit: readonly string[] = []): HclBody {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  // Only the props that are set (a job sets a few of each struct's many fields), in schema order.
  const present: number[] = [];
  for (const prop in props) {
    const position = struct.positions.get(prop);
    if (position === undefined || props[prop] === undefined) continue;
    // Insertion sort: a handful of props, and Array#sort with a comparator costs more here.
    let i = present.length;
    present.push(position);
    while (i > 0 && (present[i - 1] as number) > position) {
      present[i] = present[i - 1] as number;
      i--;
    }
    present[i] = position;
  }
  for (const position of present) {
    const entry = struct.entries[position] as readonly [string, Field];
    const prop = entry[0];
    const field = entry[1];
    const value = props[prop];
    if (omit.includes(prop) || field.label) continue;
    const hclName = field.hcl as string;
    const type = field.type;
    switch (type.kind) {
      case 'duration':
        attributes.push(attribute(hclName, (value as Duration).toGoString()));
        break;
      case 'size':
        attributes.push(attribute(hclName, (value as Size).toMebibytes()));
        break;
      case 'stringMap':
      case 'stringListMap':
        mapBody(hclName, value as Props, attributes, blocks);
        break;
      case 'freeform':
        blocks.push(block(hclName, [], freeformBody(value as Props, joinPath(path, prop))));
        break;
      case 'struct':
        blocks.push(block(hclName, [], structBody(type.struct(), value as Props, joinPath(path, prop))));
        break;
      case 'list': {
        const struct = type.struct();
        const label = struct.label?.[0];
        const fieldPath = joinPath(path, prop);
        (value as Props[]).forEach((item, i) => {
          const at = itemPath(fieldPath, labelValue(struct, item), i);
          if (field.hclLabel) {
            const { prop: labelProp, toLabel } = field.hclLabel;
            blocks.push(block(hclName, [toLabel(item[labelProp])], structBody(struct, item, at, [labelProp])));
          } else {
            blocks.push(block(hclName, label ? [String(item[label])] : [], structBody(struct, item, at)));
          }
        });
        break;
      }
      case 'map': {
        const struct = type.struct();
        const fieldPath = joinPath(path, prop);
        for (const [key, item] of Object.entries(value as Record<string, Props>)) {
          blocks.push(block(hclName, [key], structBody(struct, item, joinPath(fieldPath, `[${key}]`))));
        }
        break;
      }
      default:
        attributes.push(attribute(hclName, value as HclValue));
    }
  }
  const raw = (props.raw as { hcl?: Record<string, HclValue> } | undefined)?.hcl ?? {};
  for (const [name, value] of Object.entries(raw)) attributes.push(attribute(name, value));
  // Groups and tasks read best after the blocks that configure their parent.
  const body: (HclAttribute | HclBlock)[] = attributes;
  const children: HclBlock[] = [];
  for (const b of blocks) {
    if (b.type === 'group' || b.type === 'task') children.push(b);
    else body.push(b);
  }
  for (const child of children) body.push(child);
  return body;
}

/**
 * `meta`, `env` and check `header` maps: the block form when every key is an
 * identifier (`meta { team = "web" }`), else the attribute form
 * (`meta = { "a.b" = "x" }`), which Nomad accepts for these maps; mixing is an error.
 */
function mapBody(name: string, map: Props, attributes: HclAttribute[], blocks: HclBlock[]): void {
  const entries = Object.entries(map);
  if (entries.every(([key]) => isIdentifier(key))) {
    blocks.push(
      block(
        name,
        [],
        entries.map(([key, value]) => attribute(key, value as HclValue)),
      ),
    );
  } else {
    attributes.push(attribute(name, map as HclValue));
  }
}

/**
 * Driver `config`, scaling `policy`, proxy `config`: the inverse of how Nomad reads a schema-less block
 * (jobspec2/hclutil/blockattrs.go `BlocksAsAttrs`): a list of objects is written as one block per object, an object
 * with a single key holding a list of one object as a label (`check "cpu" { ... }`), the rest as attributes.
 */
function freeformBody(config: Props, path: string): HclBody {
  for (const key of Object.keys(config)) {
    if (!isIdentifier(key)) {
      throw new JobspecError([
        {
          code: 'not-renderable',
          path: joinPath(path, key),
          message: `"${key}" is not an HCL identifier, so it cannot be an attribute of this block: rename the key, or nest it in an object attribute`,
        },
      ]);
    }
  }
  return freeformEntries(config);
}

function freeformEntries(object: Props): HclBody {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (isBlockList(value)) {
      for (const item of value) {
        const [labels, body] = labelsOf(item);
        blocks.push(block(key, labels, freeformEntries(body)));
      }
    } else {
      attributes.push(attribute(key, value as HclValue));
    }
  }
  return [...attributes, ...blocks];
}

/** A non-empty list of objects whose keys can all be written in a block body. */
function isBlockList(value: unknown): value is Props[] {
  return Array.isArray(value) && value.length > 0 && value.every(isBlockObject);
}

function isBlockObject(value: unknown): value is Props {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof HclExpression) {
    return false;
  }
  // Nomad reads an object written as an attribute as a list of that one object, so a nested object (not in a
  // list) has no block form that reads back the same: such a body stays an attribute.
  return Object.entries(value).every(([key, item]) => isIdentifier(key) && (isBlockList(item) || !isPlainObject(item)));
}

function isPlainObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof HclExpression);
}

/** `{cpu: [{...}]}` is the body of a block labelled "cpu": peels off such labels. */
function labelsOf(item: Props): [string[], Props] {
  const labels: string[] = [];
  let body = item;
  for (;;) {
    const keys = Object.keys(body);
    const only = keys.length === 1 ? body[keys[0] as string] : undefined;
    if (!Array.isArray(only) || only.length !== 1 || !isBlockObject(only[0])) return [labels, body];
    labels.push(keys[0] as string);
    body = only[0] as Props;
  }
}
