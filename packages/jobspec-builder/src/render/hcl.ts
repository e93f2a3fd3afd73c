import { JobspecError, joinPath } from '../errors';
import { attribute, block, type HclAttribute, type HclBlock, type HclBody, type HclValue, isIdentifier } from '../hcl';
import type { AnyStruct, Field } from '../schema/dsl';
import type { Duration, Size } from '../values';
import { itemPath, labelField } from './api-json';

type Props = Readonly<Record<string, unknown>>;

/**
 * The HCL body of a struct: attributes first, then blocks, each in schema order
 * (the order of Nomad's documentation), then `raw.hcl` attributes.
 * `omit` names props rendered elsewhere (the block's label).
 */
export function structBody(struct: AnyStruct, props: Props, path: string, omit: readonly string[] = []): HclBody {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  for (const [prop, field] of Object.entries(struct.fields as Record<string, Field>)) {
    const value = props[prop];
    if (value === undefined || omit.includes(prop) || field.label) continue;
    const hclName = field.hcl as string;
    const fieldPath = joinPath(path, prop);
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
        blocks.push(block(hclName, [], freeformBody(value as Props, fieldPath)));
        break;
      case 'struct':
        blocks.push(block(hclName, [], structBody(type.struct(), value as Props, fieldPath)));
        break;
      case 'list': {
        const struct = type.struct();
        const label = labelField(struct)?.[0];
        (value as Props[]).forEach((item, i) => {
          const at = itemPath(struct, item, i, fieldPath);
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
  const isChild = (b: HclBlock) => b.type === 'group' || b.type === 'task';
  return [...attributes, ...blocks.filter((b) => !isChild(b)), ...blocks.filter(isChild)];
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

/** Driver `config`, scaling `policy`, proxy `config`: attributes, with nested objects in attribute form. */
function freeformBody(config: Props, path: string): HclBody {
  return Object.entries(config).map(([key, value]) => {
    if (!isIdentifier(key)) {
      throw new JobspecError([
        {
          code: 'not-renderable',
          path: joinPath(path, key),
          message: `"${key}" is not an HCL identifier, so it cannot be an attribute of this block: rename the key, or nest it in an object attribute`,
        },
      ]);
    }
    return attribute(key, value as HclValue);
  });
}
