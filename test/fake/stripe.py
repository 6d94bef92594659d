#!/usr/bin/env python3
"""
stripe.py
    Fake Stripe API (charges, customers, refunds, invoices, payment_intents,
    subscriptions, balance_transactions, products, prices, events, disputes,
    payouts) for saas_fdw's tests.

Behaves like api.stripe.com as described in shared/api/README.md section 2:
    GET /v1/{charges,customers,refunds,invoices}        lists
    GET /v1/{charges,customers,refunds,invoices}/{id}   one object (404
                                                        resource_missing)
Lists are newest first (created desc, ties by id desc), {"object":"list",
"url":...,"has_more":...,"data":[...]}; limit 1..100 (default 10);
starting_after / ending_before take object ids (an unknown id is 400
resource_missing with param starting_after / ending_before); the filters are
exactly the SDK's list parameters (created scalar or created[gt|gte|lt|lte],
customer, payment_intent, transfer_group, email (case-sensitive), test_clock,
charge, status, subscription, collection_method, customer_account, due_date;
for the later eight lists see build_more_data); any other parameter is 400
parameter_unknown naming it.  expand[] and
expand[N] both work: data.customer / data.charge on lists, customer / charge
on single objects.  Errors use the {"error":{...}} envelope.

Auth: Authorization: Bearer <key>, or Basic with the key as user name.
Stripe-Version: absent, 2026-06-24.dahlia or 2023-10-16; any other value is
400 "Invalid Stripe API version: <value>".
Valid keys: sk_test_123 and sk_test_other (same data).  A wrong key is 401
"Invalid API Key provided: sk_test_***" -- the key is never echoed whole.
Fault fixtures: a request with customer=cus_ratelimited is 429 (code
rate_limit, Stripe-Should-Retry: true) the first time per URL, then 200;
customer=cus_flaky is 500 api_error (Stripe-Should-Retry: true) the first
time per URL, then 200 (an empty list: no such customer has charges).

Writes (create, update and delete of customers, create of refunds, with
Idempotency-Key): see stripe_writes.py.

Run: python3 stripe.py [--port 8082] [--summary]
"""

import base64
import re
import sys
import time

import stripe_writes

from fakebase import (FakeService, epoch, json_response, mix, percent, pick,
                      serve)

KEYS = ("sk_test_123", "sk_test_other")
# Stripe-Version values this fake knows: the official SDK's pin (README 2.1,
# "Optional headers") and the spec3 version the spec descriptions come from
# (README 8).  Without the header the account's default applies; any other
# value is refused as Stripe does (400 invalid_request_error "Invalid Stripe
# API version: ...", as reported in beam-community/stripity-stripe#613).
API_VERSION = "2026-06-24.dahlia"
API_VERSIONS = (API_VERSION, "2023-10-16")
START = epoch("2024-01-01T00:00:00Z")
END = epoch("2025-12-31T23:59:59Z")
DAY = 86400

# id, name, email, currency, created, balance, delinquent
CUSTOMERS = (
    ("cus_alice", "Alice Martin", "alice@example.com", "usd", "2024-01-02T09:00:00Z", 0, False),
    ("cus_bob", "Bob Chen", "bob@example.com", "usd", "2024-01-20T14:30:00Z", 0, False),
    ("cus_carol", "Carol Díaz", "Carol@Example.com", "usd", "2024-02-11T08:15:00Z", 0, False),
    ("cus_dave", "Dave Evans", "dave@example.com", "usd", "2024-03-01T12:00:00Z", 0, False),
    ("cus_dave2", "Dave Evans", "dave@example.com", "usd", "2024-03-01T12:00:00Z", 0, False),
    ("cus_erin", "Erin Fox", None, "usd", "2024-04-18T16:45:00Z", 2500, False),
    ("cus_frank", "Frank Green", "frank@example.org", "usd", "2024-06-09T10:20:00Z", -500, True),
    ("cus_grace", "Grace Hill", "grace@example.de", "eur", "2024-09-30T07:05:00Z", 0, False),
    ("cus_ratelimited", "Rate Limited", "ratelimited@example.com", "usd", "2024-11-11T11:11:11Z", 0, False),
)
PAYERS = tuple(c[0] for c in CUSTOMERS if c[0] != "cus_ratelimited")
NCHARGES = 300
NINVOICES = 60
BRANDS = (("visa", "4242"), ("visa", "1881"), ("mastercard", "4444"),
          ("amex", "8431"), ("discover", "1117"))
REFUND_REASONS = ("requested_by_customer", "duplicate", "fraudulent", None)
ERROR_DOCS = "https://stripe.com/docs/error-codes/"


def stripe_error(status, message, type_="invalid_request_error", code=None, param=None):
    err = {}
    if code:
        err["code"] = code
        err["doc_url"] = ERROR_DOCS + code.replace("_", "-")
    err["message"] = message
    if param:
        err["param"] = param
    err["request_log_url"] = "https://dashboard.stripe.com/test/logs/req_fake"
    err["type"] = type_
    return json_response(status, {"error": err})


def sublist(url, data):
    return {"object": "list", "data": data, "has_more": False,
            "total_count": len(data), "url": url}


class Endpoint:
    """One list resource: its objects and the parameters its list takes."""

    def __init__(self, name, singular, objects, filters, expandable):
        self.name, self.singular = name, singular
        self.url = "/v1/" + name
        # newest first, ties by id desc
        self.objects = sorted(objects, key=lambda o: (o["created"], o["id"]), reverse=True)
        self.by_id = {o["id"]: o for o in self.objects}
        self.filters = filters          # param -> ("eq"|"range"|"enum"|"bool", field, values)
                                        # or ("test", function(obj, sub, value), None)
        self.expandable = expandable    # field -> Endpoint name
        self.defaults = {}              # param -> test applied when it is not sent


def build_data():
    customers = []
    for cid, name, email, currency, created, balance, delinquent in CUSTOMERS:
        customers.append({
            "id": cid, "object": "customer",
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "balance": balance, "created": epoch(created), "currency": currency,
            "default_source": None, "delinquent": delinquent,
            "description": None if cid == "cus_erin" else "Customer %s" % name,
            "discount": None, "email": email,
            "invoice_prefix": "%s%03d" % (cid[4:8].upper(), len(customers) + 1),
            "invoice_settings": {"custom_fields": None, "default_payment_method": None,
                                 "footer": None, "rendering_options": None},
            "livemode": False,
            "metadata": {"tier": pick(("gold", "silver", "bronze"), cid)} if cid != "cus_erin" else {},
            "name": name, "phone": "+1-555-01%02d" % len(customers) if percent(60, cid, "phone") else None,
            "preferred_locales": ["en"], "shipping": None, "tax_exempt": "none",
            "test_clock": None,
        })
    cus = {c["id"]: c for c in customers}

    charges, refunds = [], []
    step = (END - START) // NCHARGES
    for i in range(1, NCHARGES + 1):
        seed = ("charge", i)
        if i % 25 == 0:
            created = charges[-1]["created"]          # a deliberate tie
        else:
            created = START + (i - 1) * step + mix(*seed, "t") % (step // 2)
        if i % 50 == 7:
            customer = "cus_ratelimited"
        elif i % 10 == 3:
            customer = None                           # a guest checkout
        else:
            customer = pick(PAYERS, *seed, "customer")
        currency = cus[customer]["currency"] if customer else "gbp"
        amount = 500 + (mix(*seed, "amount") % 1000) * 50
        roll = mix(*seed, "status") % 100
        status = "failed" if roll < 8 else "pending" if roll < 11 else "succeeded"
        captured = status == "succeeded" and not percent(3, *seed, "uncaptured")
        refund_roll = mix(*seed, "refund") % 100 if captured else 100
        amount_refunded = amount if refund_roll < 10 else amount // 4 if refund_roll < 15 else 0
        brand, last4 = pick(BRANDS, *seed, "card")
        email = cus[customer]["email"] if customer else "guest%d@example.net" % i
        cid = "ch_%04d" % i
        charge = {
            "id": cid, "object": "charge", "amount": amount,
            "amount_captured": amount if captured else 0,
            "amount_refunded": amount_refunded, "application": None,
            "application_fee": None, "application_fee_amount": None,
            "balance_transaction": "txn_%04d" % i if status == "succeeded" else None,
            "billing_details": {
                "address": {"city": None, "country": "US" if currency == "usd" else None,
                            "line1": None, "line2": None,
                            "postal_code": "%05d" % (mix(*seed, "zip") % 100000),
                            "state": None},
                "email": email,
                "name": cus[customer]["name"] if customer else "Guest %d" % i,
                "phone": None},
            "calculated_statement_descriptor": "FAKESHOP",
            "captured": captured, "created": created, "currency": currency,
            "customer": customer,
            "description": "Order #%d" % (10000 + i) if percent(70, *seed, "desc") else None,
            "destination": None, "dispute": None,
            "disputed": status == "succeeded" and percent(2, *seed, "disputed"),
            "failure_balance_transaction": None,
            "failure_code": "card_declined" if status == "failed" else None,
            "failure_message": "Your card was declined." if status == "failed" else None,
            "fraud_details": {}, "livemode": False,
            "metadata": {"order_id": str(10000 + i)} if percent(60, *seed, "meta") else {},
            "on_behalf_of": None,
            "outcome": {"network_status": "declined_by_network" if status == "failed" else "approved_by_network",
                        "reason": None, "risk_level": "normal",
                        "risk_score": mix(*seed, "risk") % 70,
                        "seller_message": "The bank did not return any further details with this decline."
                        if status == "failed" else "Payment complete.",
                        "type": "issuer_declined" if status == "failed" else "authorized"},
            "paid": status == "succeeded",
            "payment_intent": "pi_%04d" % i if percent(70, *seed, "pi") else None,
            "payment_method": "pm_%04d" % i,
            "payment_method_details": {
                "card": {"brand": brand, "country": "US", "exp_month": 1 + mix(*seed, "m") % 12,
                         "exp_year": 2026 + mix(*seed, "y") % 5, "funding": "credit",
                         "last4": last4, "network": brand},
                "type": "card"},
            "radar_options": {}, "receipt_email": email,
            "receipt_number": None,
            "receipt_url": "https://pay.stripe.com/receipts/fake/%s" % cid,
            "refunded": amount_refunded == amount,
            "refunds": None, "review": None, "shipping": None, "source_transfer": None,
            "statement_descriptor": None, "statement_descriptor_suffix": None,
            "status": status, "transfer_data": None,
            "transfer_group": ("group_A" if i % 30 == 0 else "group_B") if i % 15 == 0 else None,
        }
        charges.append(charge)
        if amount_refunded:
            parts = [amount_refunded // 2, amount_refunded - amount_refunded // 2] \
                if amount_refunded == amount and i % 3 == 0 else [amount_refunded]
            for k, part in enumerate(parts):
                refunds.append({
                    "object": "refund", "amount": part,
                    "balance_transaction": "txn_re_%04d_%d" % (i, k), "charge": cid,
                    "created": min(created + (k + 1) * (1 + mix(*seed, k, "rday") % 20) * DAY
                                   + mix(*seed, k, "rsec") % DAY, END),
                    "currency": currency, "destination_details": {"card": {"type": "refund"}, "type": "card"},
                    "metadata": {}, "payment_intent": charge["payment_intent"],
                    "reason": pick(REFUND_REASONS, *seed, k, "reason"),
                    "receipt_number": None, "source_transfer_reversal": None,
                    "status": "succeeded", "transfer_reversal": None,
                })
    # refund ids in creation order (ties by charge)
    refunds.sort(key=lambda r: (r["created"], r["charge"]))
    for n, r in enumerate(refunds, 1):
        r["id"] = "re_%04d" % n
        r["balance_transaction"] = "txn_re_%04d" % n
    by_charge = {}
    for r in refunds:
        by_charge.setdefault(r["charge"], []).append(r)
    for c in charges:
        c["refunds"] = sublist("/v1/charges/%s/refunds" % c["id"],
                               sorted(by_charge.get(c["id"], []),
                                      key=lambda r: (r["created"], r["id"]), reverse=True))

    invoices = []
    seq = {}
    step = (END - START) // NINVOICES
    for i in range(1, NINVOICES + 1):
        seed = ("invoice", i)
        customer = pick(PAYERS, *seed, "customer")
        created = START + (i - 1) * step + mix(*seed, "t") % (step // 2)
        roll = mix(*seed, "status") % 100
        status = ("draft" if roll < 10 else "open" if roll < 30 else "paid" if roll < 85
                  else "uncollectible" if roll < 92 else "void")
        send = percent(35, *seed, "send")
        subscription = None if send or not percent(60, *seed, "sub") else "sub_" + customer[4:]
        lines = []
        for k in range(1 + mix(*seed, "lines") % 2):
            amt = 1000 + (mix(*seed, k, "amount") % 50) * 100
            lines.append({"id": "il_%04d_%d" % (i, k), "object": "line_item", "amount": amt,
                          "currency": cus[customer]["currency"],
                          "description": pick(("Pro plan", "Seats", "Support add-on", "Usage"), *seed, k),
                          "quantity": 1 + mix(*seed, k, "q") % 5})
        total = sum(l["amount"] for l in lines)
        paid = total if status == "paid" else 0
        if status != "draft":
            seq[customer] = seq.get(customer, 0) + 1
        iid = "in_%04d" % i
        invoices.append({
            "id": iid, "object": "invoice", "account_country": "US",
            "account_name": "Fake Shop", "amount_due": total if status not in ("void",) else 0,
            "amount_paid": paid, "amount_remaining": total - paid if status in ("open", "uncollectible", "draft") else 0,
            "attempt_count": 1 if status in ("paid", "uncollectible") else 0,
            "attempted": status in ("paid", "uncollectible"),
            "auto_advance": status in ("draft", "open"),
            "billing_reason": "subscription_cycle" if subscription else "manual",
            "collection_method": "send_invoice" if send else "charge_automatically",
            "created": created, "currency": cus[customer]["currency"],
            "customer": customer, "customer_email": cus[customer]["email"],
            "customer_name": cus[customer]["name"],
            "description": None,
            "due_date": created + 30 * DAY if send else None,
            "hosted_invoice_url": None if status == "draft" else "https://invoice.stripe.com/i/fake/%s" % iid,
            "lines": sublist("/v1/invoices/%s/lines" % iid, lines),
            "livemode": False, "metadata": {},
            "number": None if status == "draft" else "%s-%04d" % (cus[customer]["invoice_prefix"], seq[customer]),
            "paid": status == "paid", "period_end": created, "period_start": created - 30 * DAY,
            "status": status,
            "status_transitions": {"finalized_at": None if status == "draft" else created + 3600,
                                   "marked_uncollectible_at": created + 40 * DAY if status == "uncollectible" else None,
                                   "paid_at": created + 7200 if status == "paid" else None,
                                   "voided_at": created + 5 * DAY if status == "void" else None},
            "subscription": subscription, "subtotal": total, "total": total,
        })

    rng = ("range", "created", None)
    eps = {
        "customers": Endpoint("customers", "customer", customers,
                              {"created": rng, "email": ("eq", "email", None),
                               "test_clock": ("eq", "test_clock", None)}, {}),
        "charges": Endpoint("charges", "charge", charges,
                            {"created": rng, "customer": ("eq", "customer", None),
                             "payment_intent": ("eq", "payment_intent", None),
                             "transfer_group": ("eq", "transfer_group", None)},
                            {"customer": "customers"}),
        "refunds": Endpoint("refunds", "refund", refunds,
                            {"charge": ("eq", "charge", None), "created": rng,
                             "payment_intent": ("eq", "payment_intent", None)},
                            {"charge": "charges"}),
        "invoices": Endpoint("invoices", "invoice", invoices,
                             {"collection_method": ("enum", "collection_method",
                                                    ("charge_automatically", "send_invoice")),
                              "created": rng, "customer": ("eq", "customer", None),
                              "customer_account": ("eq", "customer_account", None),
                              "due_date": ("range", "due_date", None),
                              "status": ("enum", "status",
                                         ("draft", "open", "paid", "uncollectible", "void")),
                              "subscription": ("eq", "subscription", None)},
                             {"customer": "customers"}),
    }
    eps.update(build_more_data(charges, refunds))
    return eps


# ---- the lists added later (issue 20).  Their data is new and separate, so
# the four lists above answer exactly as before.  Filters and defaults are
# those of the official SDK's list parameters at API 2026-06-24.dahlia
# (stripe-python stripe/params/_<object>_list_params.py), quoted below.

SUBSCRIPTION_STATUSES = ("active", "canceled", "incomplete", "incomplete_expired",
                         "past_due", "paused", "trialing", "unpaid")
# _balance_transaction_list_params.py, type: "Only returns transactions of the
# given type. One of: ..." (the same values as the object's type)
BALANCE_TYPES = (
    "adjustment", "advance", "advance_funding", "anticipation_repayment", "application_fee",
    "application_fee_refund", "charge", "climate_order_purchase", "climate_order_refund",
    "connect_collection_transfer", "contribution", "fee_credit_funding", "inbound_transfer",
    "inbound_transfer_reversal", "issuing_authorization_hold", "issuing_authorization_release",
    "issuing_dispute", "issuing_transaction", "obligation_outbound",
    "obligation_reversal_inbound", "payment", "payment_failure_refund",
    "payment_network_reserve_hold", "payment_network_reserve_release", "payment_refund",
    "payment_reversal", "payment_unreconciled", "payout", "payout_cancel", "payout_failure",
    "payout_minimum_balance_hold", "payout_minimum_balance_release", "refund", "refund_failure",
    "reserve_hold", "reserve_release", "reserve_transaction", "reserved_funds",
    "stripe_balance_payment_debit", "stripe_balance_payment_debit_reversal", "stripe_fee",
    "stripe_fx_fee", "tax_fee", "tax_fund", "topup", "topup_reversal", "transfer",
    "transfer_cancel", "transfer_failure", "transfer_refund")
EVENT_TYPES = ("charge.succeeded", "charge.refunded", "customer.created",
               "invoice.paid", "payout.paid", "price.updated")
# _event_list_params.py: "List events, going back up to 30 days"; the fake's
# clock stands at END, so its events are of the 30 days before END
EVENTS_KEPT = 30 * DAY


def build_more_data(charges, refunds):
    by_charge = {c["id"]: c for c in charges}

    products = []
    for i in range(1, 13):
        seed = ("product", i)
        created = START + (i - 1) * 20 * DAY + mix(*seed, "t") % DAY
        products.append({
            "id": "prod_%04d" % i, "object": "product", "active": i % 4 != 0,
            "created": created, "default_price": None,
            "description": None if i % 3 == 0 else "Product number %d" % i,
            "images": [], "livemode": False, "marketing_features": [],
            "metadata": {"line": pick(("core", "addon"), *seed)},
            "name": pick(("Pro plan", "Team plan", "Seats", "Support", "Sticker pack",
                          "T-shirt"), *seed, "name") + " %d" % i,
            "package_dimensions": None, "shippable": None if i % 2 else False,
            "statement_descriptor": None, "tax_code": None,
            "type": "good" if i % 5 == 0 else "service", "unit_label": None,
            "updated": created + DAY, "url": None,
        })

    prices = []
    for i in range(1, 31):
        seed = ("price", i)
        product = products[(i - 1) % len(products)]
        recurring = i % 3 != 0
        pid = "price_%04d" % i
        prices.append({
            "id": pid, "object": "price", "active": i % 5 != 0,
            "billing_scheme": "per_unit", "created": product["created"] + i * 3600,
            "currency": pick(("usd", "usd", "eur", "gbp"), *seed, "currency"),
            "custom_unit_amount": None, "livemode": False,
            "lookup_key": "key_%d" % i if i % 4 == 0 else None,
            "metadata": {}, "nickname": None, "product": product["id"],
            "recurring": {"interval": pick(("month", "year"), *seed, "interval"),
                          "interval_count": 1, "meter": None, "usage_type": "licensed"}
            if recurring else None,
            "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": 500 + (mix(*seed, "amount") % 40) * 100, "unit_amount_decimal": None,
        })
        if product["default_price"] is None:
            product["default_price"] = pid
    recurring_prices = [p for p in prices if p["type"] == "recurring"]

    subscriptions = []
    step = (END - START) // 45
    for i in range(1, 46):
        seed = ("subscription", i)
        created = START + (i - 1) * step + mix(*seed, "t") % (step // 2)
        customer = pick(PAYERS, *seed, "customer")
        status = pick(SUBSCRIPTION_STATUSES + ("active", "active", "canceled"), *seed, "status")
        period_end = created + (1 + mix(*seed, "period") % 12) * 30 * DAY
        items = []
        for k in range(1 if i % 4 else 2):
            price = pick(recurring_prices, *seed, k, "price")
            # every other two-item subscription bills its second item earlier
            end = period_end - (10 * DAY if k == 1 and i % 8 == 0 else 0)
            items.append({"id": "si_%04d_%d" % (i, k), "object": "subscription_item",
                          "created": created, "current_period_end": end,
                          "current_period_start": end - 30 * DAY, "metadata": {},
                          "price": price, "quantity": 1 + k,
                          "subscription": "sub_%04d" % i})
        canceled = status in ("canceled", "incomplete_expired")
        subscriptions.append({
            "id": "sub_%04d" % i, "object": "subscription",
            "billing_cycle_anchor": created, "cancel_at": None,
            "cancel_at_period_end": status == "active" and percent(15, *seed, "cape"),
            "canceled_at": created + 40 * DAY if canceled else None,
            "collection_method": "send_invoice" if percent(25, *seed, "send") else "charge_automatically",
            "created": created, "currency": items[0]["price"]["currency"], "customer": customer,
            "description": None, "ended_at": created + 40 * DAY if canceled else None,
            "items": sublist("/v1/subscription_items?subscription=sub_%04d" % i, items),
            "latest_invoice": None, "livemode": False, "metadata": {}, "start_date": created,
            "status": status,
            "trial_end": created + 14 * DAY if status == "trialing" else None,
            "trial_start": created if status == "trialing" else None,
        })

    # the payment intents of every other charge that names one (fewer
    # objects keep the tests quick under valgrind)
    intents = []
    for n, c in enumerate(charges, 1):
        if not c["payment_intent"] or n % 2:
            continue
        status = {"succeeded": "succeeded", "pending": "processing",
                  "failed": "requires_payment_method"}[c["status"]]
        if c["status"] == "succeeded" and not c["captured"]:
            status = "requires_capture"
        intents.append({
            "id": c["payment_intent"], "object": "payment_intent", "amount": c["amount"],
            "amount_capturable": c["amount"] if status == "requires_capture" else 0,
            "amount_received": c["amount_captured"], "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "manual" if status == "requires_capture" else "automatic_async",
            "client_secret": c["payment_intent"] + "_secret_fake",
            "confirmation_method": "automatic", "created": c["created"],
            "currency": c["currency"], "customer": c["customer"],
            "description": c["description"], "latest_charge": c["id"],
            "livemode": False, "metadata": c["metadata"],
            "payment_method": c["payment_method"], "payment_method_types": ["card"],
            "receipt_email": c["receipt_email"], "status": status,
        })

    disputes = []
    for n, c in enumerate((c for c in charges if c["disputed"]), 1):
        seed = ("dispute", n)
        disputes.append({
            "id": "dp_%04d" % n, "object": "dispute", "amount": c["amount"],
            "balance_transactions": [], "charge": c["id"],
            "created": min(c["created"] + (3 + mix(*seed, "d") % 20) * DAY, END),
            "currency": c["currency"],
            "evidence_details": {"due_by": min(c["created"] + 40 * DAY, END),
                                 "has_evidence": False, "past_due": False, "submission_count": 0},
            "is_charge_refundable": False, "livemode": False, "metadata": {},
            "payment_intent": c["payment_intent"],
            "reason": pick(("fraudulent", "product_not_received", "duplicate", "general"), *seed),
            "status": pick(("needs_response", "under_review", "won", "lost"), *seed, "status"),
        })

    payouts = []
    for i in range(1, 53):
        seed = ("payout", i)
        created = START + (i - 1) * 14 * DAY + 6 * 3600
        status = "paid" if i < 48 else pick(("pending", "in_transit", "failed", "canceled"), *seed)
        if i in (49, 50):
            status = "in_transit"
        payouts.append({
            "id": "po_%04d" % i, "object": "payout",
            "amount": 10000 + mix(*seed, "amount") % 500000,
            "arrival_date": created + (2 + i % 3) * DAY - 6 * 3600,
            "automatic": i % 10 != 0, "balance_transaction": "txn_po_%04d" % i,
            "created": created, "currency": "usd", "description": "STRIPE PAYOUT",
            "destination": "ba_fake_0001",
            "failure_code": "account_closed" if status == "failed" else None,
            "failure_message": None, "livemode": False, "metadata": {},
            "method": "instant" if i % 10 == 0 else "standard",
            "reconciliation_status": "completed" if status == "paid" else "not_applicable",
            "source_type": "card", "statement_descriptor": None, "status": status,
            "type": "bank_account",
        })

    txns = []

    def txn(tid, amount, fee, currency, type_, source, created, category):
        txns.append({
            "id": tid, "object": "balance_transaction", "amount": amount,
            "available_on": created + 2 * DAY, "created": created, "currency": currency,
            "description": None, "exchange_rate": None, "fee": fee,
            "fee_details": [{"amount": fee, "currency": currency, "description": "Stripe processing fees",
                             "type": "stripe_fee"}] if fee else [],
            "net": amount - fee, "reporting_category": category,
            "source": source, "status": "available" if created + 2 * DAY <= END else "pending",
            "type": type_,
        })

    for n, c in enumerate(charges, 1):
        if c["balance_transaction"] and n % 3 == 0:
            txn(c["balance_transaction"], c["amount"], 30 + c["amount"] * 29 // 1000,
                c["currency"], "charge", c["id"], c["created"], "charge")
    for r in refunds:
        txn(r["balance_transaction"], -r["amount"], 0, r["currency"], "refund", r["id"],
            r["created"], "refund")
    for p in payouts:
        txn(p["balance_transaction"], -p["amount"], 0, p["currency"], "payout", p["id"],
            p["created"], "payout")
    for i in range(1, 7):
        txn("txn_fee_%04d" % i, -2000, 0, "usd", "stripe_fee", None,
            START + i * 90 * DAY, "fee")

    events = []
    for i in range(1, 121):
        seed = ("event", i)
        created = END - EVENTS_KEPT + 1800 + (i - 1) * (EVENTS_KEPT - 3600) // 120
        type_ = pick(EVENT_TYPES, *seed)
        kind = type_.split(".")[0]
        obj = charges[i] if kind == "charge" else {"id": "%s_fake_%04d" % (kind[:3], i), "object": kind}
        events.append({
            "id": "evt_%04d" % i, "object": "event", "api_version": API_VERSION,
            "created": created, "data": {"object": obj}, "livemode": False,
            "pending_webhooks": 1 if i % 7 == 0 else 0,
            "request": {"id": "req_fake_%04d" % i, "idempotency_key": None} if i % 3 else
            {"id": None, "idempotency_key": None},
            "type": type_,
        })

    rng = ("range", "created", None)

    def subscription_status(obj, sub, value):
        # "Pass ended to find subscriptions that are canceled and ... expired
        # due to incomplete payment.  Passing in a value of all will return
        # subscriptions of all statuses."
        if value == "all":
            return True
        if value == "ended":
            return obj["status"] in ("canceled", "incomplete_expired")
        return obj["status"] == value

    def min_item_period_end(obj, sub, value):
        # "Only return subscriptions whose minimum item current_period_end
        # falls within the given date interval."
        low = min(i["current_period_end"] for i in obj["items"]["data"])
        return range_test("v", sub, value)({"v": low})

    def has_price(obj, sub, value):
        # "Filter for subscriptions that contain this recurring price ID."
        return any(i["price"]["id"] == value for i in obj["items"]["data"])

    subs = Endpoint("subscriptions", "subscription", subscriptions,
                    {"created": rng, "customer": ("eq", "customer", None),
                     "price": ("test", has_price, None),
                     "status": ("enum", "status", SUBSCRIPTION_STATUSES + ("all", "ended")),
                     "collection_method": ("enum", "collection_method",
                                           ("charge_automatically", "send_invoice")),
                     "current_period_end": ("test", min_item_period_end, "range"),
                     "current_period_start": ("test", lambda o, sub, v: range_test("v", sub, v)(
                         {"v": max(i["current_period_start"] for i in o["items"]["data"])}), "range"),
                     "test_clock": ("eq", "test_clock", None)},
                    {"customer": "customers"})
    subs.enum_tests = {"status": subscription_status}
    # "If no value is supplied, all subscriptions that have not been canceled
    # are returned."
    subs.defaults = {"status": lambda o: o["status"] != "canceled"}
    price_ep = Endpoint("prices", "price", prices,
                        {"active": ("bool", "active", None), "created": rng,
                         "currency": ("eq", "currency", None),
                         "product": ("eq", "product", None),
                         "type": ("enum", "type", ("one_time", "recurring"))},
                        {"product": "products"})
    # "Returns a list of your active prices ... For the list of inactive
    # prices, set active to false." (stripe-python _price.py, Price.list)
    price_ep.defaults = {"active": lambda o: o["active"]}
    return {
        "payment_intents": Endpoint("payment_intents", "payment_intent", intents,
                                    {"created": rng, "customer": ("eq", "customer", None),
                                     "customer_account": ("eq", "customer_account", None)},
                                    {"customer": "customers", "latest_charge": "charges"}),
        "subscriptions": subs,
        "balance_transactions": Endpoint(
            "balance_transactions", "balance_transaction", txns,
            {"created": rng, "currency": ("eq", "currency", None),
             "source": ("eq", "source", None),
             "type": ("enum", "type", BALANCE_TYPES)}, {}),
        "products": Endpoint("products", "product", products,
                             {"active": ("bool", "active", None), "created": rng,
                              "shippable": ("bool", "shippable", None),
                              "type": ("enum", "type", ("good", "service")),
                              "url": ("eq", "url", None)}, {}),
        "prices": price_ep,
        # "type: A string containing a specific event name, or group of events
        # using * as a wildcard."
        "events": Endpoint("events", "event", events,
                           {"created": rng,
                            "type": ("test", lambda o, sub, v: re.fullmatch(
                                ".*".join(re.escape(p) for p in v.split("*")), o["type"]) is not None,
                                None)}, {}),
        "disputes": Endpoint("disputes", "dispute", disputes,
                             {"charge": ("eq", "charge", None), "created": rng,
                              "payment_intent": ("eq", "payment_intent", None)},
                             {"charge": "charges"}),
        # "status: Only return payouts that have the given status: pending,
        # paid, failed, or canceled." (a plain string, so other values are
        # not refused: they match what they name)
        "payouts": Endpoint("payouts", "payout", payouts,
                            {"arrival_date": ("range", "arrival_date", None), "created": rng,
                             "destination": ("eq", "destination", None),
                             "status": ("eq", "status", None)}, {}),
    }


class BadRequest(Exception):
    def __init__(self, response):
        super().__init__()
        self.response = response


def parse_int(value, param):
    if not re.fullmatch(r"-?\d+", value or ""):
        raise BadRequest(stripe_error(400, "Invalid integer: %s" % value,
                                      code="parameter_invalid_integer", param=param))
    return int(value)


class StripeService(FakeService):
    name = "stripe"
    FAULT_CUSTOMERS = {
        "cus_ratelimited": (429, "Request rate limit exceeded. Learn more about rate limits "
                            "here https://stripe.com/docs/rate-limits.",
                            "invalid_request_error", "rate_limit"),
        "cus_flaky": (500, "An unknown error occurred", "api_error", None),
    }

    def __init__(self):
        super().__init__()
        self.endpoints = build_data()
        self.writer = stripe_writes.StripeWriter(self, sys.modules[__name__])

    def reset(self):
        super().reset()
        if hasattr(self, "writer"):
            self.writer.reset()

    def handle(self, req):
        resp = self._handle(req)
        resp.add_header("Request-Id", "req_%014x" % (mix(req.raw_path, time.time()) >> 8))
        resp.add_header("Stripe-Version", req.header("Stripe-Version") or API_VERSION)
        resp.add_header("Cache-Control", "no-cache, no-store")
        return resp

    def _handle(self, req):
        key = self._key(req)
        if key is None:
            return stripe_error(401, "You did not provide an API key. You need to provide your "
                                "API key in the Authorization header, using Bearer auth (e.g. "
                                "'Authorization: Bearer YOUR_SECRET_KEY'). See "
                                "https://stripe.com/docs/api#authentication for details, or we "
                                "can help at https://support.stripe.com/.")
        if key not in KEYS:
            return stripe_error(401, "Invalid API Key provided: %s" % mask_key(key))
        version = req.header("Stripe-Version")
        if version is not None and version not in API_VERSIONS:
            return stripe_error(400, "Invalid Stripe API version: %s" % version)
        parts = [p for p in req.path.split("/") if p]
        if req.method in ("POST", "DELETE"):
            return self.writer.handle(req, key, parts)
        endpoint = self.endpoints.get(parts[1]) if len(parts) in (2, 3) and parts[0] == "v1" else None
        if req.method != "GET" or endpoint is None:
            return unrecognized(req)
        for name, value in req.params:
            fault = self.FAULT_CUSTOMERS.get(value) if name == "customer" else None
            if fault and self.first_time(req.raw_path):
                status, message, type_, code = fault
                return stripe_error(status, message, type_, code).add_header("Stripe-Should-Retry", "true")
        try:
            if len(parts) == 3:
                return self._retrieve(req, endpoint, parts[2])
            return self._list(req, endpoint)
        except BadRequest as e:
            return e.response

    @staticmethod
    def _key(req):
        scheme, value = req.credential()
        if scheme == "bearer" and value:
            return value
        if scheme == "basic":
            try:
                user = base64.b64decode(value).decode("utf-8", "replace")
            except ValueError:
                return ""
            return user.split(":", 1)[0]
        return None

    # ---- parameters -------------------------------------------------------

    def _expansions(self, req, endpoint, on_list):
        """The fields to expand, from expand[] / expand[N]; other params are
        handed back as (name, value) pairs."""
        fields, rest = [], []
        for name, value in req.params:
            if name == "expand[]" or re.fullmatch(r"expand\[\d+\]", name):
                field = value[5:] if on_list and value.startswith("data.") else None if on_list else value
                if field not in endpoint.expandable:
                    hint = (" You may want to try expanding 'data.%s' instead." % value
                            if on_list and value in endpoint.expandable else "")
                    raise BadRequest(stripe_error(400, "This property cannot be expanded (%s).%s"
                                                  % (value, hint), param=name))
                fields.append(field)
            else:
                rest.append((name, value))
        return fields, rest

    def _expand(self, obj, endpoint, fields):
        if not fields:
            return obj
        obj = dict(obj)
        for field in fields:
            target = self.endpoints[endpoint.expandable[field]]
            if obj.get(field) is not None:
                obj[field] = target.by_id[obj[field]]
        return obj

    def _retrieve(self, req, endpoint, oid):
        fields, rest = self._expansions(req, endpoint, on_list=False)
        if rest:
            raise BadRequest(unknown(rest[0][0]))
        obj = endpoint.by_id.get(oid)
        if obj is None:
            return stripe_error(404, "No such %s: '%s'" % (endpoint.singular, oid),
                                code="resource_missing", param="id")
        return json_response(200, self._expand(obj, endpoint, fields))

    def _list(self, req, endpoint):
        fields, params = self._expansions(req, endpoint, on_list=True)
        limit, cursors, tests, given = 10, {}, [], set()
        for name, value in params:
            m = re.fullmatch(r"([a-z_]+)(?:\[([a-z_]+)\])?", name)
            spec = endpoint.filters.get(m.group(1)) if m else None
            sub = m.group(2) if m else None
            if name == "limit":
                limit = parse_int(value, "limit")
                if not 1 <= limit <= 100:
                    raise BadRequest(stripe_error(
                        400, "This value must be %s (it currently is '%d')."
                        % ("greater than or equal to 1" if limit < 1 else "less than or equal to 100", limit),
                        param="limit"))
            elif name in ("starting_after", "ending_before"):
                cursors[name] = value
            elif spec and spec[0] == "range" and sub in (None, "gt", "gte", "lt", "lte"):
                bound = parse_int(value, name)
                tests.append(range_test(spec[1], sub, bound))
            elif spec and spec[0] == "enum" and sub is None:
                if value not in spec[2]:
                    raise BadRequest(stripe_error(400, "Invalid %s: must be one of %s"
                                                  % (name, ", ".join(spec[2][:-1]) + ", or " + spec[2][-1]),
                                                  param=name))
                special = getattr(endpoint, "enum_tests", {}).get(name)
                tests.append((lambda o, t=special, v=value: t(o, None, v)) if special else
                             (lambda o, f=spec[1], v=value: o.get(f) == v))
                given.add(m.group(1))
            elif spec and spec[0] == "bool" and sub is None:
                if value not in ("true", "false"):
                    raise BadRequest(stripe_error(400, "Invalid boolean: %s" % value,
                                                  code="parameter_invalid_boolean", param=name))
                tests.append(lambda o, f=spec[1], v=value == "true": o.get(f) == v)
                given.add(m.group(1))
            elif spec and spec[0] == "test" and (sub is None or spec[2] == "range") and \
                    (spec[2] != "range" or sub in (None, "gt", "gte", "lt", "lte")):
                arg = parse_int(value, name) if spec[2] == "range" else value
                tests.append(lambda o, f=spec[1], s=sub, v=arg: f(o, s, v))
            elif spec and spec[0] == "eq" and sub is None:
                tests.append(lambda o, f=spec[1], v=value: o.get(f) == v)
            else:
                raise BadRequest(unknown(name))
        if len(cursors) > 1:
            raise BadRequest(stripe_error(400, "You may only specify one of these parameters: "
                                          "ending_before, starting_after."))
        items = endpoint.objects
        for name, oid in cursors.items():
            anchor = endpoint.by_id.get(oid)
            if anchor is None:
                raise BadRequest(stripe_error(400, "No such %s: '%s'" % (endpoint.singular, oid),
                                              code="resource_missing", param=name))
            key = (anchor["created"], anchor["id"])
            if name == "starting_after":
                items = [o for o in items if (o["created"], o["id"]) < key]
            else:
                items = [o for o in items if (o["created"], o["id"]) > key]
        tests += [t for p, t in endpoint.defaults.items() if p not in given]
        items = [o for o in items if all(t(o) for t in tests)]
        if "ending_before" in cursors:
            page = items[-limit:]
        else:
            page = items[:limit]
        return json_response(200, {
            "object": "list",
            "data": [self._expand(o, endpoint, fields) for o in page],
            "has_more": len(items) > limit,
            "url": endpoint.url,
        })

    # ---- --summary ---------------------------------------------------------

    def summary(self):
        out = []
        for name, ep in self.endpoints.items():
            objs = ep.objects
            out.append("%s: %d objects, ids %s .. %s, created %s .. %s\n"
                       % (name, len(objs), min(o["id"] for o in objs), max(o["id"] for o in objs),
                          min(o["created"] for o in objs), max(o["created"] for o in objs)))
            for field in ("customer", "status", "collection_method", "subscription", "currency",
                          "refunded", "transfer_group", "email"):
                if field in objs[0]:
                    counts = {}
                    for o in objs:
                        counts[o[field]] = counts.get(o[field], 0) + 1
                    out.append("  %-18s %s\n" % (field, ", ".join(
                        "%s=%d" % (k, v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))))
            ties = [(a["id"], b["id"]) for a, b in zip(objs, objs[1:]) if a["created"] == b["created"]]
            if ties:
                out.append("  created ties (newest-first order): %s\n"
                           % ", ".join("%s>%s" % t for t in ties))
        ch = self.endpoints["charges"].objects
        out.append("charges with payment_intent: %d; partially refunded: %d; refunds per "
                   "charge >1: %s\n" % (
                       sum(1 for c in ch if c["payment_intent"]),
                       sum(1 for c in ch if 0 < c["amount_refunded"] < c["amount"]),
                       ", ".join(c["id"] for c in ch if len(c["refunds"]["data"]) > 1)))
        return "".join(out)


def range_test(field, op, bound):
    ops = {None: lambda v: v == bound, "gt": lambda v: v > bound, "gte": lambda v: v >= bound,
           "lt": lambda v: v < bound, "lte": lambda v: v <= bound}
    return lambda o: o.get(field) is not None and ops[op](o[field])


def unrecognized(req):
    return stripe_error(404, "Unrecognized request URL (%s: %s). Please see "
                        "https://stripe.com/docs or we can help at "
                        "https://support.stripe.com/." % (req.method, req.path))


def unknown(param):
    return stripe_error(400, "Received unknown parameter: %s" % param,
                        code="parameter_unknown", param=param)


def mask_key(key):
    """Stripe's way of naming a wrong key without giving it away."""
    prefix = key[:8] if key.startswith(("sk_", "rk_", "pk_")) else ""
    return prefix + "*" * max(3, len(key) - len(prefix) - 4) + (key[-4:] if len(key) > 16 else "")


if __name__ == "__main__":
    serve(StripeService(), 8082)
