"""Write a synthetic organization of a given size, in realistic proportions.

    python benchmarks/synth.py 1000 /tmp/org-1000

Per 100 roles: about 12 departments (nested three levels), 10 objectives, 12 themes,
10 channels, 10 workflows and 20 metrics (plus 10). Reporting lines form a tree with
teams of 3-12; every role is used somewhere so that `--strict` stays clean.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

WORDS = (
    "brand community care content growth insight launch loyalty media network news "
    "partner promo quality retail service social story support trend video voice"
).split()
PLATFORMS = ["instagram", "tiktok", "x", "facebook", "youtube", "linkedin", "whatsapp", "threads", "website"]
PURPOSES = ["brand", "promotion", "sales", "care", "community", "recruitment", "news"]
GOALS = ["branding", "marketing", "selling", "service"]
FOCUS = ["retention", "acquisition", "expansion"]
KINDS = ["informative", "inspirational", "educational", "promotional", "entertaining", "community"]
LAYERS = ["media", "conversation", "network"]


def phrase(rng: random.Random, n: int = 6) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(size: int, seed: int = 7) -> dict[str, dict]:
    """{relative path: data} for an organization with `size` roles."""
    rng = random.Random(seed)
    files: dict[str, dict] = {}
    n_dept = max(3, size * 12 // 100)
    n_obj = max(2, size // 10)
    n_theme = max(2, size * 12 // 100)
    n_chan = max(2, size // 10)
    n_flow = max(1, size // 10)
    n_metric = 10 + size // 5

    depts = [f"dept-{i:04d}" for i in range(n_dept)]
    roles = [f"role-{i:05d}" for i in range(size)]
    metrics = [f"metric-{i:04d}" for i in range(n_metric)]
    objectives = [f"objective-{i:04d}" for i in range(n_obj)]
    channels = [f"channel-{i:04d}" for i in range(n_chan)]

    # every department gets a lead, the first role in it
    role_dept = {role: depts[i % n_dept] for i, role in enumerate(roles)}
    leads = {dept: roles[i] for i, dept in enumerate(depts) if i < size}
    used_roles: set[str] = set()
    used_metrics: set[str] = set()

    shares = [100 // n_dept] * n_dept
    shares[0] += 100 - sum(shares)
    for i, dept in enumerate(depts):
        data: dict = {"title": f"Department {i} {rng.choice(WORDS)}", "summary": phrase(rng)}
        if i:
            data["parent"] = depts[rng.randrange(0, max(1, min(i, 1 + i // 4)))]
        data["lead"] = leads[dept]
        data["share"] = shares[i]
        files[f"org/departments/{dept}.yml"] = data

    for i, role in enumerate(roles):
        data = {
            "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(['officer', 'manager', 'analyst', 'designer', 'specialist'])} {i}",
            "summary": phrase(rng),
            "department": role_dept[role],
            "responsibilities": [phrase(rng, 9) for _ in range(rng.randint(2, 5))],
            "skills": [rng.choice(WORDS).capitalize() for _ in range(3)],
            "onboarding": [phrase(rng, 7) for _ in range(3)],
        }
        if i:
            data["reports_to"] = roles[max(0, (i - 1) // rng.randint(3, 12))]
        if rng.random() < 0.5:
            metric = rng.choice(metrics)
            used_metrics.add(metric)
            data["kpis"] = [{"metric": metric, "target": "+10% a quarter"}]
        files[f"org/roles/{role}.yml"] = data

    for i, obj in enumerate(objectives):
        metric = metrics[i % n_metric]
        used_metrics.add(metric)
        accountable = rng.choice(roles)
        responsible = rng.sample(roles, 2) + [rng.choice(depts)]
        responsible = [r for r in dict.fromkeys(responsible) if r != accountable]
        used_roles.update([accountable, *responsible])
        files[f"playbook/objectives/{obj}.yml"] = {
            "title": f"Objective {i}",
            "summary": phrase(rng),
            "goal": rng.choice(GOALS),
            "focus": rng.choice(FOCUS),
            "raci": {
                "accountable": accountable,
                "responsible": responsible,
                "informed": [d for d in [rng.choice(depts)] if d not in responsible],
            },
            "kpis": [{"metric": metric, "target": "+20%"}],
        }
    chan_objs = {}
    for i, chan in enumerate(channels):
        owner, operators = rng.choice(roles), rng.sample(roles, 3)
        used_roles.update([owner, *operators])
        chan_objs[chan] = sorted({objectives[i % n_obj], rng.choice(objectives)})
        files[f"playbook/channels/{chan}.yml"] = {
            "title": f"Channel {i}",
            "summary": phrase(rng),
            "platform": rng.choice(PLATFORMS),
            "handle": f"@account{i}",
            "url": f"https://example.com/account{i}",
            "purpose": rng.choice(PURPOSES),
            "owner": owner,
            "operators": operators,
            "response_time": f"{rng.randint(1, 24)}h",
            "objectives": chan_objs[chan],
        }
    for i in range(n_theme):
        chan = channels[i % n_chan]
        owner = rng.choice(roles)
        used_roles.add(owner)
        files[f"playbook/themes/theme-{i:04d}.yml"] = {
            "title": f"Theme {i}",
            "summary": phrase(rng),
            "kind": rng.choice(KINDS),
            "objectives": chan_objs[chan][:1],
            "channels": [chan],
            "owner": owner,
            "cadence": [{"per": "week", "posts": 2, "at": [f"{9 + i % 10:02d}:00"]}],
            "hashtags": [f"#Tag{i}"],
        }
    unused = [r for r in roles if r not in used_roles]
    for i in range(n_flow):
        steps = []
        for _ in range(rng.randint(2, 5)):
            by = unused.pop() if unused else rng.choice(roles)
            to = unused.pop() if unused else rng.choice(roles + depts)
            steps.append({"by": by, "action": phrase(rng), "within": f"{rng.randint(1, 48)}h", "to": to})
        if i == n_flow - 1:  # the last workflow picks up every role still unused
            while unused:
                steps.append({"by": unused.pop(), "action": phrase(rng), "within": "1d"})
        files[f"playbook/workflows/workflow-{i:04d}.yml"] = {
            "title": f"Workflow {i}",
            "summary": phrase(rng),
            "trigger": phrase(rng),
            "objective": rng.choice(objectives),
            "steps": steps,
        }
    for i, metric in enumerate(metrics):
        files[f"playbook/metrics/{metric}.yml"] = {
            "title": f"Metric {i}",
            "summary": phrase(rng),
            "layer": LAYERS[i % 3],
            "source": "Platform insights",
        }
        if metric not in used_metrics:
            files[f"playbook/objectives/{objectives[0]}.yml"]["kpis"].append({"metric": metric, "target": "watch"})
    files["org/organization.yml"] = {
        "name": f"Synthetic {size}",
        "summary": "A generated organization for benchmarks.",
        "hub": depts[0],
    }
    return files


def write(size: int, target: Path, *, mkdocs_yml: str | None = None) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    (target / "docs").mkdir(exist_ok=True)
    (target / "docs" / "index.md").write_text(f"# Synthetic organization of {size} roles\n")
    (target / "mkdocs.yml").write_text(
        mkdocs_yml
        or (
            f"site_name: Synthetic {size}\n"
            "theme:\n  name: material\n  font: false\n"
            "  features: [navigation.tabs, navigation.indexes]\n"
            "plugins:\n  - search\n  - playbook\n"
        )
    )
    for rel, data in generate(size).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
