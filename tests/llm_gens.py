"""A small LLM-backed dataset shared by the dataset tests and their subprocesses."""

from __future__ import annotations

import synth
from synth.llm import (
    CallParameters,
    Client,
    RetryPolicy,
    StructuredCall,
    StructuredCallConfig,
    llm_value,
)

PERSONA = synth.record(
    name=synth.sampled_from(["Ada", "Grace", "Alan", "Edsger", "Barbara"]),
    age=synth.integers(18, 90),
)


def bio_call(url: str) -> StructuredCall:
    config = StructuredCallConfig(
        "Write one line, in the persona's voice.", CallParameters(model="m")
    )
    return StructuredCall(Client(url, timeout=60), config, retry=RetryPolicy(backoff_initial=0.01))


def profiles(call: StructuredCall) -> synth.Gen:
    @synth.composite
    def profile(draw):
        persona = draw(PERSONA)
        message = f"You are {persona['name']}, aged {persona['age']}. Introduce yourself."
        return {"persona": persona, "bio": draw(llm_value(call, synth.just(message)))}

    return profile()
