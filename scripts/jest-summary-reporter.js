// Writes the run's totals to test-results/summary.json so .ci/run can print one line from the
// runner's own results (not from Jest's console summary).
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const dir = path.join(process.cwd(), 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const failedSuites = results.testResults.filter((r) => r.testExecError).length;
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({
      passed: results.numPassedTests,
      failed: results.numFailedTests + failedSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suites: results.numTotalTestSuites,
    }));
  }
}
module.exports = SummaryReporter;
