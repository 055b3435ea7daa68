// Validates a compose file against the Compose Specification's JSON schema (the copy dclint ships).
// usage: node compose-schema.js docker/compose.yaml
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Ajv = require("ajv");
const YAML = require("yaml");

const file = process.argv[2];
const schemaFile = path.join(__dirname, "node_modules", "dclint", "schemas", "compose.schema.json");
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
// draft-07, which Ajv's default class implements; its meta-schema is registered under the
// http URL, not the https one this copy names
delete schema.$schema;

const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"), { merge: true });
if (doc.errors.length > 0) {
  for (const e of doc.errors) console.error(`${file}: YAML: ${e.message}`);
  process.exit(1);
}
// the schema uses formats and keywords Ajv's strict mode rejects; validation itself is exact
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const validate = ajv.compile(schema);
if (!validate(doc.toJS({ maxAliasCount: -1 }))) {
  for (const e of validate.errors) {
    const where = e.instancePath || "/";
    console.error(`${file}: ${where}: ${e.message} ${JSON.stringify(e.params)}`);
  }
  process.exit(1);
}
console.log(`ok: ${file} is valid against the Compose Specification schema`);
