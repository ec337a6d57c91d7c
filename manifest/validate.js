#!/usr/bin/env node
// Validates Teams app manifest and localisation files offline, against the JSON schemas bundled in the npm
// package @microsoft/app-manifest. Usage: node validate.js FILE.json... ; prints one JSON object
// {"<file>": ["<error>", ...]} and exits 0 when every file is valid, 1 when any is not, 2 on bad use.
// A file whose $schema is not bundled is an error: this script never downloads a schema.
"use strict";

const fs = require("fs");
const path = require("path");
const { AppManifestUtils } = require("@microsoft/app-manifest");

const SCHEMA_HOST = "https://developer.microsoft.com/";
const PACKAGE_BUILD = path.join(path.dirname(require.resolve("@microsoft/app-manifest/package.json")), "build");

function bundledSchema(url) {
  if (typeof url !== "string" || !url.startsWith(SCHEMA_HOST + "json-schemas/teams/")) {
    return { error: `$schema must be a Teams schema under ${SCHEMA_HOST}json-schemas/teams/, got ${JSON.stringify(url)}` };
  }
  const file = path.join(PACKAGE_BUILD, url.substring(SCHEMA_HOST.length));
  if (!fs.existsSync(file)) {
    return { error: `schema ${url} is not bundled in @microsoft/app-manifest (looked for ${file})` };
  }
  // The package itself cleans these escapes before parsing its schemas.
  const text = fs.readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b");
  return { schema: repairPatterns(JSON.parse(text)) };
}

// Every bundled localisation schema (v1.19 to v1.30) has patterns such as
// "^activities.activityTypes\\[\\b(...)\\b]\\.description$" whose lone "]" is a syntax error for ajv, which
// compiles patterns with the unicode flag, so validateAgainstSchema throws before validating anything.
// Outside a character class a lone "]" means a literal "]", so escaping it keeps the schema's meaning.
function unicodeSafe(pattern) {
  try {
    new RegExp(pattern, "u");
    return pattern;
  } catch {
    let out = "";
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === "\\") {
        out += c + (pattern[i + 1] ?? "");
        i++;
      } else if (c === "[" && !inClass) {
        inClass = true;
        out += c;
      } else if (c === "]") {
        out += inClass ? c : "\\]";
        inClass = false;
      } else {
        out += c;
      }
    }
    return out;
  }
}

function repairPatterns(node) {
  if (Array.isArray(node)) {
    return node.map(repairPatterns);
  }
  if (node === null || typeof node !== "object") {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "patternProperties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value).map(([p, v]) => [unicodeSafe(p), repairPatterns(v)]));
    } else if (key === "pattern" && typeof value === "string") {
      out[key] = unicodeSafe(value);
    } else {
      out[key] = repairPatterns(value);
    }
  }
  return out;
}

async function validateFile(file) {
  let document;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return [`cannot read JSON: ${e.message}`];
  }
  const { schema, error } = bundledSchema(document.$schema);
  if (error) {
    return [error];
  }
  return AppManifestUtils.validateAgainstSchema(document, schema);
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node validate.js FILE.json...\n");
    return 2;
  }
  const report = {};
  for (const file of files) {
    report[file] = await validateFile(file);
  }
  process.stdout.write(JSON.stringify(report) + "\n");
  return Object.values(report).some((errors) => errors.length > 0) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`validate.js: ${e.stack || e}\n`);
    process.exit(2);
  },
);
