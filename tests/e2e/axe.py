"""axe-core in the test browser: the script (tests/e2e/vendor/axe-core/, copied there by `make assets` from the
npm package; never under static/, so production never serves it) is evaluated into the page through
Playwright, which the page's Content-Security-Policy does not govern, then run with the WCAG 2.0, 2.1 and 2.2
level A and AA rules."""

from dataclasses import dataclass
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((rule) => ({
    rule: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map((node) => ({
      target: node.target.map(String).join(" "),
      impact: node.impact,
      html: node.html.slice(0, 160),
      summary: node.failureSummary,
    })),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str

    def __str__(self) -> str:
        detail = self.summary.replace("\n", " ").strip()
        return f"{self.page}: [{self.impact}] {self.rule} ({self.help}) at {self.target}: {self.html} -- {detail}"


def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page, where: str, source: str) -> list[Violation]:
    """Every WCAG A/AA violation axe finds on the page as it is now (one per element and rule)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = []
    for rule in page.evaluate(_RUN, list(WCAG_TAGS)):
        for node in rule["nodes"]:
            found.append(
                Violation(
                    page=where,
                    rule=rule["rule"],
                    impact=node["impact"] or rule["impact"] or "unknown",
                    help=rule["help"],
                    target=node["target"],
                    html=node["html"],
                    summary=node["summary"] or "",
                )
            )
    return found


def failing(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in FAILING_IMPACTS]
