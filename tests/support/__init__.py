"""Helpers shared by the test folders; test modules import from here, never from each other
(tests/unit/test_test_layout.py). One module per topic:

clock, clock_matrix   "today" in a test, and the suite run at chosen instants (`make test-clock`)
databases             throwaway migrated databases
factories             valid complaint bodies, `fresh_uscc`, `USCC`, `GOOD` survey answers
samples               evidence file bytes (JPEG, PNG, PDF) and PDFs built to order
html                  `csrf_token`, `hidden` (reading the server's forms)
staff                 `Staff`, `PASSWORD`, `ROLES`, `make_staff`, `staff_per_role`, `signed_in`,
                      `sign_in_form`, `hand_to_mediator`
consumer              the consumer through HTTP: `file_complaint`, `form_fields`, `open_form`, `track_page`,
                      `consumer_view`
cases                 cases brought to a stage: `accepted_and_routed`, `mediation_case`,
                      `merchant_with_commitment`, `merchant_link`, `NO_CASE`
intake                use-case-level intake: `ctx`, `new_case`, `at`
queues                `insert_cases`, `new_queue`, `new_user`
statistics            the statistics dataset builder `Data`, `SECRETS`, `read_xlsx`
smtp, net, workers    an SMTP server that keeps what it gets, `free_port`, `run_burst_worker`
cli                   `run_cli` (the `disputes` command as a subprocess)
live, edge            apps served in the test's own loop (`live_app`, `served`) and a real `disputes serve`
stack, fault_checks   private servers and service processes for tests/faults/
bench_servers         the servers and load generator of tests/bench/
"""
