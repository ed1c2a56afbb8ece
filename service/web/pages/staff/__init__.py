"""The staff area's pages, one module per task:

- `signin`: sign-in, sign-out, the home page;  `common`: what every staff page shares (`staff_context`,
  `StaffController`, `paging`, `safe_next`);  `notices`: a page's notice line from the code in its URL;
- `case_list`: the case queue with its filters;
- `case_page`: a case's page and history, the rejection notice, evidence (`render_case_page`, `act`);
  `case_context`: its routing, first-payment, damages and reassign sections;
- `case_forms`: the case page's forms as tables (CaseForm) made into handlers;
- `decisions`: accept, reject, pause, resume, close;  `spam`: marking a filing as spam;
- `routing`: route override, reassignment;
- `first_payment`: the merchant's link and answer, the payout (both routing and first_payment are
  case_forms routers under /staff/cases/{case_id});  `intake`: recording a complaint.
"""

from service.web.pages.staff.case_list import CaseListPages
from service.web.pages.staff.case_page import SURVEY_LINK, CasePages
from service.web.pages.staff.decisions import DecisionPages
from service.web.pages.staff.first_payment import FirstPaymentPages
from service.web.pages.staff.intake import IntakePages
from service.web.pages.staff.routing import RoutingPages
from service.web.pages.staff.signin import SignInPages
from service.web.pages.staff.spam import SpamPages

STAFF_PAGES = (
    SignInPages,
    CaseListPages,
    CasePages,
    DecisionPages,
    SpamPages,
    RoutingPages,
    FirstPaymentPages,
    IntakePages,
)

__all__ = ["STAFF_PAGES", "SURVEY_LINK"]
