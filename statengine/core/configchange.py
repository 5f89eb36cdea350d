"""Configuration changes that reach the engine live (Skills Management style).

A skill change re-evaluates only the virtual groups whose script names that
skill (the skill -> groups index of :class:`~statengine.core.state.Model`),
for that one agent. Group membership changes never rewrite history: what a
member contributed while in the group stays with the group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from statengine.core import events as ev
from statengine.core.objects import AgentConfig, ObjectRef, ObjectType
from statengine.core.state import AgentState, GroupState, Model
from statengine.errors import BadEventError

__all__ = ["CONFIG_HANDLERS"]


def _agent(model: Model, event: Any) -> AgentState:
    agent = model.agents.get((event.tenant, event.agent_id))
    if agent is None:
        raise BadEventError(event, "unknown-agent", f"no agent {event.agent_id!r}")
    return agent


def _static_group(model: Model, event: Any) -> GroupState:
    group = model.groups.get(ObjectRef(event.tenant, ObjectType.GroupAgents, event.group))
    if group is None:
        raise BadEventError(event, "unknown-group", f"no agent group {event.group!r}")
    if group.expression is not None:
        raise BadEventError(event, "virtual-group", f"{event.group!r} is defined by a script")
    return group


def on_skill_changed(model: Model, event: ev.AgentSkillChanged, t: int) -> None:
    agent = _agent(model, event)
    if event.level is None:
        if event.skill not in agent.skills:
            raise BadEventError(
                event, "unknown-skill", f"{event.agent_id!r} has no {event.skill!r}"
            )
        del agent.skills[event.skill]
    else:
        agent.skills[event.skill] = event.level
    model.update_virtual_membership(agent, model.groups_by_skill.get(event.skill, ()))


def on_added_to_group(model: Model, event: ev.AgentAddedToGroup, t: int) -> None:
    agent, group = _agent(model, event), _static_group(model, event)
    if agent in group.members:
        raise BadEventError(event, "already-member", f"{event.agent_id!r} is in {event.group!r}")
    model.join(group, agent)


def on_removed_from_group(model: Model, event: ev.AgentRemovedFromGroup, t: int) -> None:
    agent, group = _agent(model, event), _static_group(model, event)
    if agent not in group.members:
        raise BadEventError(event, "not-member", f"{event.agent_id!r} is not in {event.group!r}")
    model.leave(group, agent)


def on_agent_added(model: Model, event: ev.AgentAdded, t: int) -> None:
    key = (event.tenant, event.agent_id)
    if key in model.agents:
        raise BadEventError(event, "duplicate-agent", f"{event.agent_id!r} exists")
    if not any(tn.name == event.tenant for tn in model.config.tenants):
        raise BadEventError(event, "unknown-tenant", f"no tenant {event.tenant!r}")
    for switch, code in event.logins.items():
        if (switch, str(code)) in model.agent_by_login:
            raise BadEventError(event, "duplicate-login", f"{switch}:{code} is taken")
    cfg = AgentConfig(
        employee_id=event.agent_id,
        tenant=event.tenant,
        logins={k: str(v) for k, v in event.logins.items()},
        skills=dict(event.skills),
    )
    agent = AgentState(
        ref=ObjectRef(event.tenant, ObjectType.Agent, event.agent_id),
        cfg=cfg,
        skills=dict(cfg.skills),
        since=t,
    )
    model.agents[key] = agent
    for switch, code in cfg.logins.items():
        model.agent_by_login[(switch, code)] = agent
    model.update_virtual_membership(agent, model.virtual_groups)


def on_agent_removed(model: Model, event: ev.AgentRemoved, t: int) -> None:
    agent = _agent(model, event)
    if agent.logged_in:
        raise BadEventError(event, "logged-in", f"{event.agent_id!r} is logged in")
    for group in sorted(agent.groups, key=lambda g: g.ref):
        model.leave(group, agent)
    for switch, code in agent.cfg.logins.items():
        model.agent_by_login.pop((switch, code), None)
    del model.agents[(event.tenant, event.agent_id)]


#: Configuration-change events -> handler(model, event, t).
CONFIG_HANDLERS: Mapping[type, Callable[[Model, Any, int], None]] = {
    ev.AgentSkillChanged: on_skill_changed,
    ev.AgentAddedToGroup: on_added_to_group,
    ev.AgentRemovedFromGroup: on_removed_from_group,
    ev.AgentAdded: on_agent_added,
    ev.AgentRemoved: on_agent_removed,
}
