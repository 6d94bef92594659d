"""
stripe_writes.py
    Writes to the fake Stripe's customers and refunds (stripe.py imports it).

Behaves like api.stripe.com's "Create a customer" (POST /v1/customers),
"Update a customer" (POST /v1/customers/{id}) and "Delete a customer"
(DELETE /v1/customers/{id}), as Stripe's API reference describes them:

  - parameters form-encoded; those written here: email, name, description,
    phone and metadata[key]=value.  An empty value unsets a field; an empty
    metadata[key] removes that key and "metadata=" removes them all.  Any
    other parameter is 400 parameter_unknown, as for lists (README 2.1).
  - create and update answer with the customer; delete with
    {"id", "object": "customer", "deleted": true}; an unknown id is 404
    resource_missing.
  - "Create a refund" (POST /v1/refunds): charge or payment_intent (one is
    needed), amount (default: what is left to refund), reason (duplicate,
    fraudulent or requested_by_customer), metadata; the charge's
    amount_refunded and refunded follow.  A charge with nothing left to
    refund is 400 charge_already_refunded, an amount above what is left 400
    amount_too_large [unverified exact messages].
  - Idempotency (docs.stripe.com/idempotency, "Idempotent requests"): a POST
    with an Idempotency-Key header is carried out once; "subsequent
    requests with the same key return the same result", here with the
    header Idempotent-Replayed: true.  The same key with other parameters
    is 400 idempotency_error.  Keys are kept per API key.

The change is real: a later list shows it.  /_reset restores the
customers, charges and refunds.
"""

import copy
import threading
import time
import urllib.parse

from fakebase import json_response

FIELDS = ("email", "name", "description", "phone")


REASONS = ("duplicate", "fraudulent", "requested_by_customer")


class StripeWriter:
    """The writes of one Stripe service; keeps what /_reset restores."""

    def __init__(self, service, stripe):
        self.service = service
        self.stripe = stripe          # the stripe module: stripe_error, Endpoint
        self.lock = threading.Lock()  # one write at a time, idempotency included
        self.reset()

    def reset(self):
        with self.lock:
            self.service.endpoints.update(getattr(self, "pristine", {}))
            self.pristine = {}        # endpoint name -> the endpoint before the first write
            self.replies = {}         # (api key, idempotency key) -> (params, response)
            self.made = 0

    def handle(self, req, key, parts):
        """A write under /v1/; parts is the path split on "/"."""
        params = urllib.parse.parse_qsl(req.body.decode("utf-8"), keep_blank_values=True)
        idem = req.header("Idempotency-Key") if req.method == "POST" else None
        with self.lock:
            if idem is not None:
                seen = self.replies.get((key, idem))
                if seen is not None:
                    if seen[0] != params:
                        return self.stripe.stripe_error(
                            400, "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            "'%s' if you meant to execute a different request." % idem,
                            "idempotency_error")
                    return copy.deepcopy(seen[1]).add_header("Idempotent-Replayed", "true")
            resp = self._write(req, parts, params)
            if idem is not None:
                self.replies[(key, idem)] = (params, copy.deepcopy(resp))
            return resp

    def _endpoint(self, name):
        """The endpoint name, saved for /_reset before its first change."""
        endpoint = self.service.endpoints[name]
        if name not in self.pristine:
            self.pristine[name] = endpoint
            endpoint = copy.deepcopy(endpoint)
            self.service.endpoints[name] = endpoint
        return endpoint

    def _write(self, req, parts, params):
        stripe = self.stripe
        if req.method == "POST" and parts == ["v1", "refunds"]:
            return self._refund(params)
        if parts[:2] != ["v1", "customers"] or len(parts) > 3 or (
                req.method not in ("POST", "DELETE")) or (req.method == "DELETE" and len(parts) != 3):
            return stripe.unrecognized(req)
        unknown = _unknown_param(params, FIELDS)
        if unknown:
            return stripe.unknown(unknown)
        endpoint = self._endpoint("customers")
        if len(parts) == 3:
            customer = endpoint.by_id.get(parts[2])
            if customer is None:
                return stripe.stripe_error(404, "No such customer: '%s'" % parts[2],
                                           code="resource_missing", param="id")
            if req.method == "DELETE":
                endpoint.objects.remove(customer)
                del endpoint.by_id[customer["id"]]
                return json_response(200, {"id": customer["id"], "object": "customer",
                                            "deleted": True})
        else:
            self.made += 1
            customer = copy.deepcopy(endpoint.objects[-1])
            customer.update({"id": "cus_new%04d" % self.made, "created": int(time.time()),
                             "balance": 0, "delinquent": False, "metadata": {},
                             "invoice_prefix": "NEW%04d" % self.made, "currency": None,
                             "phone": None, "description": None, "name": None, "email": None})
            endpoint.objects.insert(0, customer)
            endpoint.by_id[customer["id"]] = customer
        _set_fields(customer, params, FIELDS)
        return json_response(200, customer)

    def _refund(self, params):
        stripe = self.stripe
        unknown = _unknown_param(params, ("charge", "payment_intent", "amount", "reason"))
        if unknown:
            return stripe.unknown(unknown)
        args = dict(params)
        charges = self.service.endpoints["charges"]
        charge = charges.by_id.get(args.get("charge", ""))
        if charge is None and args.get("payment_intent"):
            charge = next((c for c in charges.objects
                           if c["payment_intent"] == args["payment_intent"]), None)
        if charge is None:
            if not args.get("charge") and not args.get("payment_intent"):
                return stripe.stripe_error(400, "One of the following params should be provided "
                                           "for this request: payment_intent or charge.")
            param = "charge" if args.get("charge") else "payment_intent"
            return stripe.stripe_error(400, "No such %s: '%s'" % (param, args[param]),
                                       code="resource_missing", param=param)
        if args.get("reason") and args["reason"] not in REASONS:
            return stripe.stripe_error(400, "Invalid reason: must be one of duplicate, "
                                       "fraudulent, or requested_by_customer", param="reason")
        left = charge["amount"] - charge["amount_refunded"]
        if left <= 0:
            return stripe.stripe_error(400, "Charge %s has already been refunded." % charge["id"],
                                       code="charge_already_refunded")
        amount = stripe.parse_int(args["amount"], "amount") if "amount" in args else left
        if amount > left:
            return stripe.stripe_error(400, "Refund amount (%d) is greater than unrefunded "
                                       "amount on charge (%d)" % (amount, left),
                                       code="amount_too_large", param="amount")
        charges = self._endpoint("charges")
        refunds = self._endpoint("refunds")
        charge = charges.by_id[charge["id"]]
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self.made += 1
        refund = {"id": "re_new%04d" % self.made, "object": "refund", "amount": amount,
                  "balance_transaction": "txn_re_new%04d" % self.made, "charge": charge["id"],
                  "created": int(time.time()), "currency": charge["currency"],
                  "destination_details": {"card": {"type": "refund"}, "type": "card"},
                  "metadata": {}, "payment_intent": charge["payment_intent"],
                  "reason": None, "receipt_number": None, "source_transfer_reversal": None,
                  "status": "succeeded", "transfer_reversal": None}
        _set_fields(refund, [(k, v) for k, v in params
                             if k not in ("charge", "payment_intent", "amount")], ("reason",))
        refunds.objects.insert(0, refund)
        refunds.by_id[refund["id"]] = refund
        return json_response(200, refund)


def _unknown_param(params, fields):
    """The first parameter that is neither one of fields nor metadata."""
    for name, _ in params:
        if name not in fields and name != "metadata" and not (
                name.startswith("metadata[") and name.endswith("]")):
            return name
    return None


def _set_fields(obj, params, fields):
    """Set fields and metadata[key] from form parameters: an empty value
    unsets, an empty "metadata" clears all keys."""
    for name, value in params:
        if name in fields:
            obj[name] = value or None
        elif name == "metadata":
            obj["metadata"] = {}
        elif value:
            obj["metadata"][name[len("metadata["):-1]] = value
        else:
            obj["metadata"].pop(name[len("metadata["):-1], None)
