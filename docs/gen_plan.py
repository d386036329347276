"""Write the month's plan into docs/model.md (section 3), between its plan markers.

Usage: ``python docs/gen_plan.py`` (a test checks that the committed table is current). The table
is what ``kohtaanto plan --all`` prints: every step of ``model.phases.MONTH`` in order, with every
registered intervention at the hook points it implements.
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent / "model.md"
BEGIN, END = "<!-- plan:begin -->", "<!-- plan:end -->"


def render() -> str:
    """The plan as the Markdown table ``kohtaanto plan --all`` prints."""
    from model.intervention import month_plan
    from model.phases import plan_table

    return plan_table(month_plan())


def documented(text: str) -> str:
    """The table between the plan markers of ``text``."""
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main() -> None:
    """Replace the table between the markers of docs/model.md."""
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{render()}\n{END}{tail}", encoding="utf-8")
    print(f"wrote the plan into {DOC}")


if __name__ == "__main__":
    main()
