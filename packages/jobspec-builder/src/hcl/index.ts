// Generic HCL2 writer, published as @org/jobspec-builder/hcl.
export { attribute, block, type HclAttribute, type HclBlock, type HclBody, type HclValue } from './hcl-body';
export { HclError, type HclErrorCode } from './hcl-error';
export { HclExpression } from './hcl-expression';
export { isIdentifier } from './identifier';
export { renderHcl, renderValue } from './render-hcl';
