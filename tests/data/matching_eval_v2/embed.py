"""Compute the sentence embeddings of the evaluation set once and store them beside it (embeddings.npz).

    .venv/bin/python tests/data/matching_eval_v2/embed.py

The portal computes an embedding when a text is saved; this file plays that part for the evaluation set, with the
same texts the engine scores (`challenge_text`, `startup_text`) and the same model (`matching.engine.embedding`).
`tests/matching/test_eval_v2.py` checks that the stored vectors still match the model for a sample.
"""

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from matching.engine import load_problem  # noqa: E402
from matching.engine.embedding import MODEL, embed_challenges, embed_startups  # noqa: E402
from matching.engine.scoring import challenge_text, startup_text  # noqa: E402


def main() -> None:
    problem = load_problem(json.loads((HERE / "problem.json").read_text(encoding="utf-8")))
    challenges = embed_challenges([challenge_text(c) for c in problem.challenges])
    startups = embed_startups([startup_text(s) for s in problem.startups])
    np.savez_compressed(
        HERE / "embeddings.npz",
        model=np.array(MODEL),
        challenge_ids=np.array([c.id for c in problem.challenges]),
        challenges=challenges.astype(np.float16),
        startup_ids=np.array([s.id for s in problem.startups]),
        startups=startups.astype(np.float16),
    )
    print(f"{len(challenges)} challenges and {len(startups)} startups embedded with {MODEL}")


if __name__ == "__main__":
    main()
