// Runs the static analysis of n8n's community package scanner (@n8n/scan-community-package) on one
// directory, the way `analyzePackageByName` does for a published version: argv = directory, then the
// glob patterns (`source` = the scanner's SOURCE_FILE_PATTERNS). Prints the result as JSON.
// A separate ESM process because the scanner is an ES module with top-level state (its temp dir).
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const [dir, ...patterns] = process.argv.slice(2);
const result = await analyzePackage(dir, patterns[0] === 'source' ? SOURCE_FILE_PATTERNS : patterns);
process.stdout.write(JSON.stringify({ passed: result.passed, message: result.message, details: result.details }));
