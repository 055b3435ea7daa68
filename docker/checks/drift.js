// Keeps the image and the compose stack from drifting away from bin/run and server-config/:
// the same start command, the same env names and defaults, the same ports, the same migrations.
// usage: node drift.js ROOT DOCKERFILE COMPOSE_FILE ENV_EXAMPLE
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const { DockerfileParser } = require("dockerfile-ast");

const [root, dockerfilePath, composePath, envExamplePath] = process.argv.slice(2).map((p) => path.resolve(p));
const read = (p) => fs.readFileSync(p, "utf8");
const rel = (p) => path.relative(root, p);
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

// --- the sources of truth ---------------------------------------------------------------
const keyValues = (text) => {
  const map = new Map();
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith("#")) map.set(m[1], m[2]);
  }
  return map;
};
const defaultsEnv = keyValues(read(path.join(root, "server-config/defaults.env")));
// without MicroProfile's own keys (mp.openapi.filter): fixed by the application, not settings
const appConfig = new Map([...keyValues(read(path.join(root, "src/main/resources/META-INF/microprofile-config.properties")))].filter(([name]) => !name.startsWith("mp.")));
const startScript = read(path.join(root, "server-config/start-payara.sh"));
const migrateScript = read(path.join(root, "server-config/migrate.sh"));
const pom = read(path.join(root, "pom.xml"));
const defaultPort = defaultsEnv.get("PORT");
// every setting: those with a default, those the code reads without one (an Optional such as
// CACHE_HOSTS), and DB_PASS (the pool's, never defaulted)
const javaFiles = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? javaFiles(path.join(dir, e.name)) : e.name.endsWith(".java") ? [path.join(dir, e.name)] : []));
const readInCode = javaFiles(path.join(root, "src/main/java")).flatMap((f) => [...read(f).matchAll(/@ConfigProperty\(\s*name\s*=\s*"([A-Z0-9_]+)"/g)].map((m) => m[1]));
// the migration's own settings (server-config/migrate.sh reads them; rdsmemcached.migration):
// passed to the migrate service, not to the app
const migrationOnly = new Set([...read(path.join(root, "src/main/java/rdsmemcached/migration/Migrations.java")).matchAll(/setting\("([A-Z0-9_]+)"\)/g)].map((m) => m[1]).filter((n) => /^DB_(MIGRATION_|APP_USER_HOST|DEMO_DATA)/.test(n)));
const knownNames = new Set([...defaultsEnv.keys(), ...appConfig.keys(), ...readInCode, "DB_PASS", "DB_MIGRATION_PASS"]);
const defaultOf = (name) => defaultsEnv.get(name) ?? appConfig.get(name);
const pathOverrides = [...new Set([...startScript.matchAll(/: "\$\{([A-Z_]+):=/g), ...migrateScript.matchAll(/: "\$\{([A-Z_]+):=/g)].map((m) => m[1]))];
const migrateCommand = "server-config/migrate.sh";
const payaraVersion = /<payara\.version>([^<]+)</.exec(pom)?.[1];
const javaRelease = /<maven\.compiler\.release>([^<]+)</.exec(pom)?.[1];
const startCommand = "server-config/start-payara.sh";

check(defaultPort, "server-config/defaults.env has no PORT");
check(pathOverrides.length >= 3, "start-payara.sh no longer takes PAYARA_MICRO_JAR/APP_WAR/JDBC_DRIVER");
for (const script of ["bin/run", "bin/it-stack"]) {
  const text = read(path.join(root, script)).split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
  check(text.includes(`${migrateCommand} migrate`), `${script} does not migrate with ${migrateCommand} migrate`);
}
for (const script of ["bin/run", "bin/it-stack"]) {
  const text = read(path.join(root, script)).split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
  check(text.includes(startCommand), `${script} does not start Payara Micro with ${startCommand}`);
  check(!/\bjava\b[^\n]*-jar/.test(text), `${script} starts java itself instead of ${startCommand}`);
}

// --- Dockerfile ----------------------------------------------------------------------------
const dockerfileText = read(dockerfilePath);
const stages = [];
for (const instruction of DockerfileParser.parse(dockerfileText).getInstructions()) {
  if (instruction.getKeyword() === "FROM") stages.push({ from: instruction, instructions: [] });
  else if (stages.length > 0) stages[stages.length - 1].instructions.push(instruction);
}
check(stages.length >= 2, `${rel(dockerfilePath)}: expected a multi-stage build (build, then run)`);
const build = stages[0];
const run = stages[stages.length - 1];
const of = (stage, keyword) => (stage ? stage.instructions.filter((i) => i.getKeyword() === keyword) : []);
const argsOf = (i) => (i.getArgumentsContent() || "").trim();
const jsonArgs = (i) => {
  try {
    return JSON.parse(argsOf(i));
  } catch {
    return null;
  }
};

if (build) {
  check(/(^|-)17([-.]|$)/.test(build.from.getImageTag() || ""), `${rel(dockerfilePath)}: build stage is not a JDK ${javaRelease} image`);
  check(of(build, "RUN").some((i) => /\.\/mvnw\b.*\bpackage\b/.test(argsOf(i))), `${rel(dockerfilePath)}: build stage does not run ./mvnw package`);
}
if (run) {
  const expectedBase = `payara/micro:${payaraVersion}-jdk${javaRelease}`;
  const base = `${run.from.getImageName()}:${run.from.getImageTag()}`;
  check(base === expectedBase, `${rel(dockerfilePath)}: runtime base is ${base}, pom.xml says ${expectedBase}`);

  // server-config/ is copied whole, and its start script is the entrypoint, with no arguments
  const copies = of(run, "COPY").map((i) => {
    const parts = argsOf(i).split(/\s+/);
    return { from: i.getFromFlag() ? i.getFromFlag().getValue() : null, src: parts.slice(0, -1), dest: parts[parts.length - 1] };
  });
  const configCopy = copies.find((c) => !c.from && c.src.length === 1 && c.src[0].replace(/\/$/, "") === "server-config");
  check(configCopy, `${rel(dockerfilePath)}: server-config/ is not copied into the image as a whole`);
  const configDir = configCopy ? configCopy.dest.replace(/\/$/, "") : "?";
  const entrypoints = of(run, "ENTRYPOINT");
  const entrypoint = entrypoints.length > 0 ? jsonArgs(entrypoints[entrypoints.length - 1]) : null;
  const expectedEntrypoint = [`${configDir}/start-payara.sh`];
  check(
    JSON.stringify(entrypoint) === JSON.stringify(expectedEntrypoint),
    `${rel(dockerfilePath)}: ENTRYPOINT is ${JSON.stringify(entrypoint)}, bin/run starts ${startCommand}: expected ${JSON.stringify(expectedEntrypoint)}`,
  );
  for (const cmd of of(run, "CMD")) {
    check(JSON.stringify(jsonArgs(cmd)) === "[]", `${rel(dockerfilePath)}: CMD adds arguments (${argsOf(cmd)}); start-payara.sh takes none`);
  }

  // path overrides point at what the image copies in; no other settings are baked in
  const env = new Map();
  for (const i of of(run, "ENV")) for (const p of i.getProperties()) env.set(p.getName(), p.getValue());
  for (const name of env.keys()) {
    check(pathOverrides.includes(name), `${rel(dockerfilePath)}: ENV ${name} is not one of start-payara.sh's path overrides (${pathOverrides.join(", ")}); settings come from the environment`);
  }
  // the class-data archive is made in the run stage, by its JVM, after the WAR is in place
  if (env.has("CDS_ARCHIVE")) {
    const keywords = run.instructions.map((i) => i.getKeyword());
    const trainAt = run.instructions.findIndex((i) => i.getKeyword() === "RUN" && argsOf(i).includes(`${configDir}/cds-train.sh`));
    check(trainAt >= 0, `${rel(dockerfilePath)}: CDS_ARCHIVE is set, but no RUN of ${configDir}/cds-train.sh in the run stage makes it`);
    check(trainAt < 0 || trainAt > keywords.lastIndexOf("COPY"), `${rel(dockerfilePath)}: cds-train.sh runs before the last COPY; the archive must be made from what the image runs`);
  }
  const copiedTo = (artifact) => copies.find((c) => c.from && c.src.some((s) => s.endsWith(artifact)))?.dest;
  check(env.get("PAYARA_MICRO_JAR") === "/opt/payara/payara-micro.jar", `${rel(dockerfilePath)}: PAYARA_MICRO_JAR is not the base image's /opt/payara/payara-micro.jar`);
  check(env.get("APP_WAR") && env.get("APP_WAR") === copiedTo("target/rds-memcached.war"), `${rel(dockerfilePath)}: APP_WAR is not where the WAR is copied`);
  check(env.get("JDBC_DRIVER") && env.get("JDBC_DRIVER") === copiedTo("target/lib/mysql-connector-j.jar"), `${rel(dockerfilePath)}: JDBC_DRIVER is not where the JDBC driver is copied`);
  check(env.get("MIGRATE_DIR") && (copiedTo("target/migrate/") || "").replace(/\/$/, "") === env.get("MIGRATE_DIR"), `${rel(dockerfilePath)}: MIGRATE_DIR is not where target/migrate/ is copied`);

  const exposed = of(run, "EXPOSE").flatMap((i) => argsOf(i).split(/\s+/)).map((p) => p.replace(/\/tcp$/, ""));
  check(JSON.stringify(exposed) === JSON.stringify([defaultPort]), `${rel(dockerfilePath)}: EXPOSE ${exposed.join(" ")} differs from PORT=${defaultPort} in server-config/defaults.env`);

  const users = of(run, "USER");
  check(users.length > 0 && !/^(root|0)(:|$)/.test(argsOf(users[users.length - 1])), `${rel(dockerfilePath)}: the image does not run as a non-root user`);
}
const healthchecks = run ? of(run, "HEALTHCHECK") : [];
const imageProbe = healthchecks.length > 0 ? argsOf(healthchecks[0]).replace(/^(--\S+\s+)*CMD\s+/s, "").replace(/\\\n\s*/g, "") : "";
// liveness: a container restarted for a database outage would be no better off, and all would be
check(imageProbe.includes(`/\${PORT:-${defaultPort}}`) && imageProbe.includes("GET /health/live "), `${rel(dockerfilePath)}: HEALTHCHECK does not probe /health/live on \${PORT:-${defaultPort}}`);

// JVM flags live in server-config/jvm.options only
const withoutComments = (text) => text.split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
const composeText = read(composePath);
for (const [name, text] of [[rel(dockerfilePath), dockerfileText], [rel(composePath), composeText]]) {
  const flag = /(-Xm[sx]\d|-Xss\d|-XX:|JAVA_OPTS|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|PAYARA_OPTS)/.exec(withoutComments(text));
  check(!flag, `${name}: sets JVM/Payara options (${flag && flag[1]}); they belong in server-config/jvm.options`);
}

// --- compose -------------------------------------------------------------------------------
const composeDir = path.dirname(composePath);
const compose = YAML.parseDocument(composeText, { merge: true }).toJS({ maxAliasCount: -1 }) || {};
const services = compose.services || {};
const app = services.app;
const migrate = services.migrate;
const mysqlName = Object.keys(services).find((n) => /^mysql:/.test(services[n].image || ""));
const mysql = services[mysqlName];
const memcacheds = Object.keys(services).filter((n) => /^memcached:/.test(services[n].image || ""));
const envOf = (service) => {
  const e = service?.environment || {};
  if (!Array.isArray(e)) return e;
  return Object.fromEntries(e.map((kv) => (kv.includes("=") ? [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] : [kv, null])));
};
const sourceOf = (volume) => (typeof volume === "string" ? volume.split(":")[0] : volume.source);
const targetOf = (volume) => (typeof volume === "string" ? volume.split(":")[1] : volume.target);

check(app, `${rel(composePath)}: no service is built from the Dockerfile`);
check(mysql && mysql.image === "mysql:8.4", `${rel(composePath)}: no mysql:8.4 service`);
check(memcacheds.length === 2 && memcacheds.every((n) => services[n].image === "memcached:1.6"), `${rel(composePath)}: expected two memcached:1.6 services, found ${memcacheds.length}`);
for (const [name, service] of Object.entries(services)) {
  // a one-off (restart "no") is waited for by its exit code, not by a healthcheck
  check(service.restart === "no" || (service.healthcheck && service.healthcheck.test), `${rel(composePath)}: service ${name} has no healthcheck`);
}
if (app) {
  const context = path.resolve(composeDir, app.build.context || ".");
  check(context === root, `${rel(composePath)}: app build context ${app.build.context} is not the repository root`);
  check(path.resolve(context, app.build.dockerfile || "Dockerfile") === path.join(root, "docker/Dockerfile"), `${rel(composePath)}: app is not built from docker/Dockerfile`);
  const env = envOf(app);
  for (const name of Object.keys(env)) {
    check(knownNames.has(name), `${rel(composePath)}: app sets ${name}, which neither server-config/defaults.env nor microprofile-config.properties knows`);
  }
  // every setting reaches the container: set for this stack, or passed on from docker/.env (then
  // .env.example lists it, below); one left out would be silently ignored
  for (const name of [...knownNames].filter((n) => !migrationOnly.has(n))) {
    check(name in env, `${rel(composePath)}: the app reads ${name}, but the app service's environment does not pass it (add "${name}:" to pass it on from docker/.env)`);
  }
  check(!("PORT" in env) || String(env.PORT) === defaultPort, `${rel(composePath)}: app sets PORT=${env.PORT}, the image exposes ${defaultPort}`);
  check("DB_PASS" in env, `${rel(composePath)}: app does not get DB_PASS (start-payara.sh requires it)`);
  const containerPorts = (app.ports || []).map((p) => (typeof p === "string" ? p.split(":").pop() : String(p.target)));
  check(JSON.stringify(containerPorts) === JSON.stringify([defaultPort]), `${rel(composePath)}: app publishes container port(s) ${containerPorts.join(", ")}, the app listens on ${defaultPort}`);
  const dependsOn = app.depends_on || {};
  for (const name of memcacheds) {
    check(dependsOn[name] && dependsOn[name].condition === "service_healthy", `${rel(composePath)}: app does not wait for ${name} to be healthy`);
  }
  check(dependsOn.migrate && dependsOn.migrate.condition === "service_completed_successfully", `${rel(composePath)}: app does not wait for the migrate service to complete successfully`);
  const test = app.healthcheck?.test || [];
  const composeProbe = (test[0] === "CMD-SHELL" ? test[1] : "").replace(/\$\$/g, "$");
  check(composeProbe === imageProbe, `${rel(composePath)}: app healthcheck differs from the image's HEALTHCHECK:\n    compose: ${composeProbe}\n    image:   ${imageProbe}`);
  const cacheHosts = [env.CACHE_HOST1, env.CACHE_HOST2].map(String);
  check(JSON.stringify(cacheHosts) === JSON.stringify(memcacheds.map((n) => `${n}:11211`)), `${rel(composePath)}: CACHE_HOST1/2 (${cacheHosts.join(", ")}) do not name the memcached services`);
  check(env.DB_HOST === mysqlName && String(env.DB_PORT) === "3306", `${rel(composePath)}: DB_HOST/DB_PORT do not point at the ${mysqlName} service`);
}
// the migrate service: the app's image, migrate.sh, the app's database and user, MySQL's root
check(migrate, `${rel(composePath)}: no migrate service`);
if (migrate && app) {
  const env = envOf(app);
  const menv = envOf(migrate);
  check(JSON.stringify(migrate.build) === JSON.stringify(app.build) && migrate.image === app.image, `${rel(composePath)}: migrate is not built and tagged like the app (the same image, another command)`);
  for (const name of migrationOnly) {
    check(name in menv, `${rel(composePath)}: the migration reads ${name}, but the migrate service's environment does not pass it`);
  }
  check(JSON.stringify(migrate.entrypoint) === JSON.stringify(["/opt/payara/server-config/migrate.sh"]) && JSON.stringify(migrate.command) === JSON.stringify(["migrate"]), `${rel(composePath)}: migrate does not run /opt/payara/server-config/migrate.sh migrate`);
  for (const name of ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASS"]) {
    check(String(menv[name]) === String(env[name]), `${rel(composePath)}: migrate's ${name} (${menv[name]}) differs from the app's (${env[name]})`);
  }
  for (const name of Object.keys(menv)) {
    check(knownNames.has(name), `${rel(composePath)}: migrate sets ${name}, which neither server-config/defaults.env nor microprofile-config.properties knows`);
  }
  check(migrate.depends_on?.[mysqlName]?.condition === "service_healthy", `${rel(composePath)}: migrate does not wait for ${mysqlName} to be healthy`);
  if (mysql) {
    check(menv.DB_MIGRATION_USER === "root" && envOf(mysql).MYSQL_ROOT_PASSWORD === menv.DB_MIGRATION_PASS && envOf(mysql).MYSQL_DATABASE === env.DB_NAME, `${rel(composePath)}: migrate must connect as MySQL's root (MYSQL_ROOT_PASSWORD = DB_MIGRATION_PASS) to the app's database`);
  }
}
if (mysql) {
  const volumes = mysql.volumes || [];
  const mounted = (target) => volumes.find((v) => (targetOf(v) || "").startsWith(target));
  // the schema comes from the migrations only (src/main/resources/db/migration)
  check(!mounted("/docker-entrypoint-initdb.d/"), `${rel(composePath)}: mysql loads init SQL; the schema comes from the migrations (the migrate service)`);
  const cnf = mounted("/etc/mysql/conf.d/");
  check(cnf && fs.existsSync(path.resolve(composeDir, sourceOf(cnf))), `${rel(composePath)}: mysql does not mount a my.cnf into /etc/mysql/conf.d/`);
  if (cnf && fs.existsSync(path.resolve(composeDir, sourceOf(cnf)))) {
    const settings = keyValues(read(path.resolve(composeDir, sourceOf(cnf))).replace(/^\s*([a-z_-]+)\s*=/gm, (m, k) => `${k.replace(/-/g, "_")}=`));
    check(["ON", "1"].includes(String(settings.get("slow_query_log")).toUpperCase()), "my.cnf: slow_query_log is not ON");
    check(Number(settings.get("long_query_time")) < Number(defaultOf("SLOW_QUERY_SECONDS")), `my.cnf: long_query_time ${settings.get("long_query_time")} would not log the ${defaultOf("SLOW_QUERY_SECONDS")} s query`);
    const logDir = path.posix.dirname(settings.get("slow_query_log_file") || "");
    const logVolume = volumes.find((v) => targetOf(v) === logDir);
    check(logVolume && /^[./]/.test(sourceOf(logVolume)), `${rel(composePath)}: the slow log folder ${logDir} is not mapped to a host folder`);
  }
}

// --- .env.example lists every variable compose reads, with the app's defaults -------------------
const referenced = new Set([...withoutComments(composeText).matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
for (const service of [app, migrate]) for (const [name, value] of Object.entries(envOf(service))) if (value === null) referenced.add(name);
const example = new Map();
for (const line of read(envExamplePath).split("\n")) {
  const m = /^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  if (m) example.set(m[1], m[2]);
}
for (const name of referenced) check(example.has(name), `${rel(envExamplePath)}: ${name} is used by ${rel(composePath)} but not listed`);
for (const [name, value] of example) {
  check(referenced.has(name), `${rel(envExamplePath)}: ${name} is listed but ${rel(composePath)} does not use it`);
  if (!["DB_PASS", "DB_MIGRATION_PASS"].includes(name) && defaultOf(name) !== undefined) {
    check(value === defaultOf(name), `${rel(envExamplePath)}: ${name}=${value}, the app's default is ${defaultOf(name)}`);
  }
}

if (failures.length > 0) {
  for (const f of failures) console.error(`drift: ${f}`);
  process.exit(1);
}
console.log(`ok: image and compose agree with bin/run and server-config/ (start command ${startCommand}, port ${defaultPort}, ${knownNames.size} known settings)`);
