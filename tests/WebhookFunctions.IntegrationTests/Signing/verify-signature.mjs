// Verifies a webhook with the official Standard Webhooks library, unchanged.
// Usage: node verify-signature.mjs <repository root>   (stdin: {"secret", "headers", "body"})
// Exit code 0: verified; 1: rejected; 2: could not run.
import { createRequire } from "node:module";
import { join } from "node:path";

const [repositoryRoot] = process.argv.slice(2);
if (!repositoryRoot) {
  console.error("usage: node verify-signature.mjs <repository root>");
  process.exit(2);
}

const require = createRequire(join(repositoryRoot, "package.json"));
const { Webhook } = require("standardwebhooks");

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const { secret, headers, body } = JSON.parse(Buffer.concat(chunks).toString("utf8"));

try {
  new Webhook(secret).verify(body, headers);
  process.exit(0);
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
