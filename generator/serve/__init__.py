"""The live preview (``insertgen serve``): the build's pipeline kept running for one catalog.

In: a catalog folder. Out: a local web application (Starlette, served by uvicorn) that shows
every product x document x locale with its status, each document's pages as proof pictures with
their guides and findings, and the translators' status matrix; it re-renders the documents a
saved file affects and tells open pages over server-sent events.

Modules: :mod:`~generator.serve.preview` (the documents, what to render next),
:mod:`~generator.serve.renderer` (one document rendered, in a render process),
:mod:`~generator.serve.changes` (which documents a changed file affects),
:mod:`~generator.serve.pictures` (page pictures with guides and outlines),
:mod:`~generator.serve.pages` (what each page shows) and :mod:`~generator.serve.app`
(routes, templates, the event stream, the file watcher).

May import the orchestrator (``generator.build``) and every stage below it; only the command
line imports this package.
"""

from generator.serve.app import create_app
from generator.serve.preview import Preview

__all__ = ["Preview", "create_app"]
