#!/usr/bin/env node
// Validates an OpenAPI document that actorgate generated (tests/tools/openapi_dump):
//   node tests/openapi/validate.js FILE      exit 0 valid, 1 invalid, 2 usage
// swagger-parser checks the document against the OpenAPI 3.0 JSON Schema and
// resolves every $ref. For OpenAPI 3 it skips the rules the schema cannot
// express (nor does its schema bound the component names), so the MUSTs a
// generator can get wrong are checked here too: operationIds are unique, a
// path's {variables} are exactly its `in: path` parameters, and component
// names match ^[a-zA-Z0-9.\-_]+$.
"use strict";

let SwaggerParser;
try {
  SwaggerParser = require("@apidevtools/swagger-parser");
} catch (err) {
  console.error(`validate.js: ${err.message}\n` +
                "install the validator: npm ci --prefix tests/openapi (SETUP=test scripts/setup.sh does)");
  process.exit(1);
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function checkSemantics(api) {
  const problems = [];
  const ids = new Map();
  for (const [path, item] of Object.entries(api.paths || {})) {
    const vars = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const verb of methods) {
      const op = item[verb];
      if (!op) continue;
      const where = `${verb.toUpperCase()} ${path}`;
      if (op.operationId !== undefined) {
        if (ids.has(op.operationId))
          problems.push(`${where}: operationId '${op.operationId}' is also ${ids.get(op.operationId)}'s`);
        ids.set(op.operationId, where);
      }
      const params = [...(item.parameters || []), ...(op.parameters || [])];
      const inPath = params.filter((p) => p.in === "path").map((p) => p.name).sort();
      if (JSON.stringify(inPath) !== JSON.stringify(vars))
        problems.push(`${where}: path variables [${vars}] but path parameters [${inPath}]`);
    }
  }
  for (const [kind, entries] of Object.entries(api.components || {}))
    for (const name of Object.keys(entries || {}))
      if (!/^[a-zA-Z0-9.\-_]+$/.test(name))
        problems.push(`components.${kind}: the name '${name}' is not ^[a-zA-Z0-9.\\-_]+$`);
  return problems;
}

async function main() {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error("usage: node validate.js OPENAPI.json");
    return 2;
  }
  try {
    // validate() dereferences the document it returns; check a parsed copy.
    const api = await SwaggerParser.parse(file);
    await SwaggerParser.validate(file);
    const problems = checkSemantics(api);
    if (problems.length) throw new Error(problems.join("\n"));
    console.log(`${file}: valid OpenAPI ${api.openapi} (${api.info.title} ${api.info.version}, ` +
                `${Object.keys(api.paths).length} paths, ` +
                `${Object.keys((api.components || {}).schemas || {}).length} schemas)`);
    return 0;
  } catch (err) {
    // One mistake in a shared schema is reported again wherever it is used.
    const lines = err.message.split("\n");
    const shown = lines.slice(0, 30).join("\n");
    const more = lines.length > 30 ? `\n  ... (${lines.length - 30} more lines)` : "";
    console.error(`${file}: INVALID: ${shown}${more}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
