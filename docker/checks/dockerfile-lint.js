// Lints a Dockerfile with dockerfile-utils' validator (the one VS Code's Docker extension uses), every
// optional rule switched on and any diagnostic, error or warning, failing. Its CLI would report
// at default severities and exit 0 either way. bin/docker-check runs dockerlinter beside it.
// usage: node dockerfile-lint.js docker/Dockerfile
"use strict";
const fs = require("node:fs");
const { validate, ValidationSeverity } = require("dockerfile-utils");
const { DockerfileParser } = require("dockerfile-ast");

const file = process.argv[2];
const content = fs.readFileSync(file, "utf8");
const problems = [];
const report = (line, message) => problems.push(`${file}:${line + 1}: ${message}`);

const strict = {};
for (const rule of [
  "deprecatedMaintainer",
  "directiveCasing",
  "emptyContinuationLine",
  "instructionCasing",
  "instructionCmdMultiple",
  "instructionEntrypointMultiple",
  "instructionHealthcheckMultiple",
  "instructionJSONInSingleQuotes",
  "instructionWorkdirRelative",
]) {
  strict[rule] = ValidationSeverity.ERROR;
}
for (const d of validate(content, strict)) {
  report(d.range.start.line, `${d.severity === 1 ? "error" : "warning"}: ${d.message}`);
}

// RUN's flags: dockerfile-utils (Docker CE 20.10's syntax) checks every other instruction's flags
// but not BuildKit's RUN flags, and dockerlinter hands them to shellcheck as part of the command.
for (const instruction of DockerfileParser.parse(content).getInstructions()) {
  if (instruction.getKeyword() !== "RUN") continue;
  for (const flag of instruction.getFlags()) {
    if (!["mount", "network", "security"].includes(flag.getName())) {
      report(instruction.getRange().start.line, `unknown RUN flag --${flag.getName()}`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`ok: ${file} is clean for dockerfile-utils (errors and warnings; every optional rule)`);
