// A small JSON Schema checker (the keywords state schemas use): type, enum, const, properties,
// required, additionalProperties, items, anyOf/oneOf/allOf, bounds, and local $refs.

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected, value) {
  const actual = typeOf(value);
  return [].concat(expected).some((t) => t === actual || (t === "number" && actual === "integer"));
}

function resolve(schema, root) {
  let current = schema;
  for (let guard = 0; current && current.$ref && guard < 32; guard++) {
    const path = current.$ref.replace(/^#\/?/, "").split("/").filter(Boolean);
    current = path.reduce((node, key) => (node ? node[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), root);
  }
  return current || {};
}

function checkObject(schema, value, root, path, errors) {
  for (const key of schema.required || []) {
    if (!(key in value)) errors.push(`${path || "value"}: missing required key '${key}'`);
  }
  const props = schema.properties || {};
  for (const [key, item] of Object.entries(value)) {
    if (key in props) check(props[key], item, root, `${path}.${key}`, errors);
    else if (schema.additionalProperties === false) errors.push(`${path}.${key}: unknown key (the schema allows ${Object.keys(props).join(", ") || "none"})`);
    else if (typeof schema.additionalProperties === "object") check(schema.additionalProperties, item, root, `${path}.${key}`, errors);
  }
}

function checkBounds(schema, value, path, errors) {
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: must be <= ${schema.maximum}`);
  }
  if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength) {
    errors.push(`${path}: must have at least ${schema.minLength} characters`);
  }
}

function checkAlternatives(schema, value, root, path, errors) {
  for (const key of ["anyOf", "oneOf"]) {
    if (!schema[key]) continue;
    const ok = schema[key].some((option) => check(option, value, root, path, []).length === 0);
    if (!ok) errors.push(`${path || "value"}: matches none of the allowed shapes`);
  }
  for (const part of schema.allOf || []) check(part, value, root, path, errors);
}

export function check(schema, value, root = schema, path = "", errors = []) {
  const node = resolve(schema, root);
  if (node.type && !typeMatches(node.type, value)) {
    errors.push(`${path || "value"}: expected ${[].concat(node.type).join(" or ")}, got ${typeOf(value)}`);
    return errors;
  }
  if (node.enum && !node.enum.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
    errors.push(`${path || "value"}: must be one of ${JSON.stringify(node.enum)}`);
  }
  if ("const" in node && JSON.stringify(node.const) !== JSON.stringify(value)) {
    errors.push(`${path || "value"}: must be ${JSON.stringify(node.const)}`);
  }
  if (typeOf(value) === "object") checkObject(node, value, root, path, errors);
  if (Array.isArray(value) && node.items && typeof node.items === "object") {
    value.forEach((item, i) => check(node.items, item, root, `${path}[${i}]`, errors));
  }
  checkBounds(node, value, path || "value", errors);
  checkAlternatives(node, value, root, path, errors);
  return errors;
}
