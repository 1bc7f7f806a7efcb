"""What the desk's route handlers get injected: the wired desk (``desk.bootstrap``)."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from gateway.desk.bootstrap import Desk


async def get_desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)


WiredDesk = Annotated[Desk, Depends(get_desk)]
