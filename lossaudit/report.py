"""Report: losses × verdicts, and which losses qualify (--require). Data only; renderers format it."""
from __future__ import annotations

from dataclasses import dataclass, field

from ._version import __version__
from .verdict import FAILS, HOLDS, NOT_APPLICABLE, UNKNOWN, Verdict, property_names


@dataclass
class LossResult:
    """One audited loss: what it is, and a verdict per property decided."""

    loss: object
    verdicts: dict                      # property -> Verdict
    excluded_targets: list = field(default_factory=list)
    qualifies: bool | None = None       # set when the audit had --require
    notes: list = field(default_factory=list)
    through: dict = field(default_factory=dict)  # link name -> LossResult of L(link(z), y) (lossaudit.links)

    @property
    def name(self) -> str:
        return self.loss.name

    def __repr__(self) -> str:
        from .render.notebook import result_repr
        return result_repr(self)

    def _repr_html_(self) -> str:
        from .render.notebook import report_html
        return report_html(Report([self], tuple(self.verdicts)))

    def __getitem__(self, prop: str) -> Verdict:
        return self.verdicts[prop]

    def training_use(self) -> str | None:
        """For a metric: could it serve as a training loss, and why not (derived from the verdicts)."""
        if self.loss.role != "metric":
            return None
        diff = self.verdicts.get("differentiability")
        if diff is None:
            return None
        if diff.extras.get("gradient_zero_almost_everywhere"):
            return ("no: its gradient is zero almost everywhere, so gradient descent gets no signal; "
                    "use a surrogate loss and keep this as a metric")
        if diff.verdict == FAILS:
            return ("only with subgradients: it is not differentiable everywhere "
                    f"({diff.extras.get('nondifferentiable_at') or 'see differentiability'}), but its gradient "
                    "carries signal elsewhere")
        if diff.verdict == HOLDS:
            return "yes: it is differentiable with an informative gradient"
        return "unclear: differentiability could not be decided"

    def to_dict(self, require: tuple | None = None) -> dict:
        loss = self.loss
        out = {
            "name": loss.name,
            "kind": str(loss.kind),
            "role": loss.role,
            "expression": loss.text,
            "parameters": dict(loss.param_values),
            "properties": {p: v.to_dict() for p, v in self.verdicts.items()},
        }
        if loss.kind.vector:
            out["classes"] = loss.K
        if loss.text is None:
            out["source"] = loss.source
        if self.excluded_targets:
            out["excluded_targets"] = self.excluded_targets
        use = self.training_use()
        if use is not None:
            out["training_use"] = use
        if self.notes:
            out["notes"] = list(self.notes)
        if self.qualifies is not None:
            out["qualifies"] = self.qualifies
        if self.through:
            out["through"] = {name: r.through_dict() for name, r in self.through.items()}
        return out

    def through_dict(self) -> dict:
        """This result as the view of another loss through a link: what is audited, and the verdicts."""
        out = {key: value for key, value in self.to_dict().items()
               if key in ("name", "kind", "expression", "parameters", "properties", "classes", "excluded_targets")}
        return out


@dataclass
class Report:
    """The result of an audit: one LossResult per loss, in the order audited."""

    results: list
    properties: tuple = field(default_factory=property_names)
    seed: int = 0
    samples: int = 0
    require: tuple | None = None

    # -- access ---------------------------------------------------------------------
    def __getitem__(self, key: str):
        """report["huber"] -> its LossResult; report["convexity"] -> the Verdict when one loss was audited."""
        if key in property_names():
            if len(self.results) != 1:
                raise KeyError(f"{len(self.results)} losses were audited; index by loss name first "
                               f"(report[name][{key!r}])")
            return self.results[0].verdicts[key]
        for r in self.results:
            if r.name == key or key in r.loss.aliases:
                return r
        raise KeyError(key)

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    # -- derived ----------------------------------------------------------------------
    @property
    def all_qualify(self) -> bool:
        return all(r.qualifies for r in self.results) if self.require else True

    def counts(self) -> dict:
        """How many verdicts of each kind: {"holds": n, "fails": n, "unknown": n, "not applicable": n}."""
        c = {HOLDS: 0, FAILS: 0, UNKNOWN: 0, NOT_APPLICABLE: 0}
        for r in self.results:
            for v in r.verdicts.values():
                c[v.verdict] += 1
        return c

    def summary(self) -> str:
        c = self.counts()
        text = (f"{len(self.results)} loss{'es' if len(self.results) != 1 else ''} audited, "
                f"{len(self.properties)} propert{'ies' if len(self.properties) != 1 else 'y'}: "
                f"{c[HOLDS]} hold, {c[FAILS]} fail, {c[UNKNOWN]} unknown"
                + (f", {c[NOT_APPLICABLE]} not applicable" if c[NOT_APPLICABLE] else "") + f" (seed {self.seed})")
        if self.require:
            n = sum(1 for r in self.results if r.qualifies)
            text += f"; {n} of {len(self.results)} qualify for {', '.join(self.require)}"
        return text + "."

    def to_dict(self) -> dict:
        out = {"lossaudit_version": __version__, "seed": self.seed, "samples": self.samples}
        if self.require:
            out["require"] = list(self.require)
        out["losses"] = [r.to_dict(self.require) for r in self.results]
        return out

    # -- rendering shortcuts (the renderers do the work) --------------------------
    def __repr__(self) -> str:
        from .render.notebook import report_repr
        return report_repr(self)

    def _repr_html_(self) -> str:
        from .render.notebook import report_html
        return report_html(self)

    def _repr_markdown_(self) -> str:
        from .render.notebook import report_markdown
        return report_markdown(self)

    def render(self, fmt: str, **options) -> str:
        from .render import render
        return render(self, fmt, **options)

    def to_json(self) -> str:
        return self.render("json")

    def to_markdown(self) -> str:
        return self.render("markdown")

    def to_latex(self) -> str:
        return self.render("latex")

    def to_html(self) -> str:
        return self.render("html")

    def to_rst(self) -> str:
        return self.render("rst")

    def to_csv(self) -> str:
        return self.render("csv")


def qualify(result: LossResult, require: tuple) -> bool:
    """A loss qualifies when every required property holds (`not applicable` does not qualify: a property
    required of a loss whose kind it is not defined for is not one the loss has)."""
    return all(result.verdicts.get(p) is not None and result.verdicts[p].verdict == HOLDS for p in require)
