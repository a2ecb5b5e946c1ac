"""Every spec model remembers the spec line that built it, through copies and pickling, and a
spec's own model subclass keeps its private attributes beside it."""

from __future__ import annotations

import pickle
import sys

from pydantic import PrivateAttr

from generator.kit import panel
from generator.model import Flavor, Location, Query, ScrapeJob


class Noted(Query):
    _note: str = PrivateAttr(default="kept")


def _here() -> int:
    return sys._getframe(1).f_lineno


def test_a_model_is_located_where_it_is_built_and_copies_keep_it() -> None:
    query, line = Query(expr="up"), _here()
    assert query.location == Location(__file__, line)
    assert query.model_copy(update={"expr": "down"}).location == query.location
    assert pickle.loads(pickle.dumps(query)).location == query.location


def test_a_model_built_by_the_kit_is_located_at_the_spec_line() -> None:
    built, line = panel("Up", "up", unit="short", description="d"), _here()
    assert built.location == Location(__file__, line)
    assert built.queries[0].location == Location(__file__, line)


def test_a_subclass_keeps_its_own_private_attributes() -> None:
    noted, line = Noted(expr="up"), _here()
    assert noted._note == "kept"
    assert noted.location == Location(__file__, line)


def _query() -> Query:
    return Query(expr="up")


def test_a_private_helper_hands_the_location_to_its_caller() -> None:
    query, line = _query(), _here()
    assert query.location == Location(__file__, line)


def test_models_validated_or_built_by_pydantic_are_located_at_the_line_that_asked() -> None:
    validated, line = Query.model_validate({"expr": "up"}), _here()
    assert validated.location == Location(__file__, line)
    job, line = ScrapeJob(job_name="x", flavor=Flavor.PROMETHEUS), _here()
    assert job.discovery.location == job.location == Location(__file__, line)



def test_each_code_object_gives_its_own_lines_wherever_it_builds_again() -> None:
    """Lines are remembered by code object and instruction: the same instruction of code
    compiled again at other lines, and a call site met again, read their own lines."""
    from generator.model.base import forget_lines

    for blank_lines in (3, 9, 3, 0):
        namespace: dict[str, object] = {"Query": Query}
        exec(compile("\n" * blank_lines + "def build():\n    return Query(expr='up')\n",
                     "/specs/same_name.py", "exec"), namespace)
        build = namespace["build"]
        assert callable(build)
        for _ in range(2):
            assert build().location == Location("/specs/same_name.py", blank_lines + 2)
        del namespace, build
        if blank_lines == 9:
            forget_lines()


def test_the_walk_needs_no_frame_below_model_post_init() -> None:
    """A thread started on pydantic's validator itself has no Python frame below the model's
    `model_post_init`: no spec line to give, and no error."""
    import _thread
    import threading

    from generator.model.base import caller_location

    found: list[object] = []
    done = threading.Event()

    def model_post_init() -> None:  # stands in for the model's, the walk's first frame
        try:
            found.append(caller_location())
        except ValueError as error:
            found.append(error)
        finally:
            done.set()

    _thread.start_new_thread(model_post_init, ())
    assert done.wait(10)
    assert found == [None]
