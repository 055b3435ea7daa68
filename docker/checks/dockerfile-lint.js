// Lints a Dockerfile: dockerfile-utils' validator with every optional rule switched on (any
// diagnostic, error or warning, fails), plus a few hadolint rules it does not have.
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

const dockerfile = DockerfileParser.parse(content);
const stageNames = new Set();
const stages = [];
for (const instruction of dockerfile.getInstructions()) {
  const keyword = instruction.getKeyword();
  const line = instruction.getRange().start.line;
  if (keyword === "FROM") {
    const image = instruction.getImageName();
    const tag = instruction.getImageTag();
    if (!stageNames.has(image) && !tag && !instruction.getImageDigest()) {
      report(line, `DL3006: tag the image explicitly (${image})`);
    }
    if (tag === "latest") report(line, `DL3007: do not use the latest tag (${image})`);
    if (instruction.getBuildStage()) stageNames.add(instruction.getBuildStage());
    stages.push([]);
  }
  if (stages.length > 0) stages[stages.length - 1].push(instruction);
  const args = instruction.getArgumentsContent() || "";
  if (keyword === "ADD" && !/https?:\/\/|\.tar|\.tgz/.test(args)) {
    report(line, "DL3020: use COPY instead of ADD for files and folders");
  }
  if (keyword === "RUN") {
    if (/(^|[;&|]\s*)sudo\s/.test(args)) report(line, "DL3004: do not use sudo");
    if (/(^|[;&|]\s*)cd\s/.test(args)) report(line, "DL3003: use WORKDIR to switch directory");
    for (const flag of instruction.getFlags()) {
      if (!["mount", "network", "security"].includes(flag.getName())) {
        report(line, `unknown RUN flag --${flag.getName()}`);
      }
    }
  }
  if ((keyword === "ENTRYPOINT" || keyword === "CMD") && !args.trim().startsWith("[")) {
    report(line, `DL3025: use the JSON (exec) form for ${keyword}, so signals reach the JVM`);
  }
  if (keyword === "EXPOSE") {
    for (const port of args.split(/\s+/).filter(Boolean)) {
      const n = Number(port.split("/")[0]);
      if (!Number.isInteger(n) || n < 1 || n > 65535) report(line, `DL3011: invalid port ${port}`);
    }
  }
}
const final = stages[stages.length - 1] || [];
const users = final.filter((i) => i.getKeyword() === "USER");
const lastUser = users.length > 0 ? users[users.length - 1].getArgumentsContent().trim() : "";
if (/^(root|0)(:|$)/.test(lastUser)) {
  report(users[users.length - 1].getRange().start.line, "DL3002: the last USER must not be root");
}
if (!final.some((i) => i.getKeyword() === "HEALTHCHECK")) {
  report(0, "the final stage has no HEALTHCHECK");
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`ok: ${file} lints clean (dockerfile-utils, errors and warnings; hadolint rules)`);
