"""Chapters 3 and 4: successes and challenges, and next steps for the Forum."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Section


def closing_chapters(ctx: AssemblyContext):
    successes = Section(
        "3", "Successes and challenges", level=2, number="3",
        blocks=[NarrativeSlot("successes-challenges", "successes_challenges.md.j2"), *ctx.extras.get("successes_blocks", [])],
    )
    next_steps = Section("4", "Next steps for the AFML", level=2, number="4", blocks=[NarrativeSlot("next-steps", "next_steps.md.j2")])
    return [], [successes, next_steps]
