"""Moved: the case page's form runner is service.web.forms.run_case_form."""

from service.web.forms import Run, case_url, run_case_form

__all__ = ["Run", "case_url", "run_case_form"]
