"""
stripe_writes.py
    Writes to the fake Stripe's customers (stripe.py imports it).

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
  - Idempotency (docs.stripe.com/idempotency, "Idempotent requests"): a POST
    with an Idempotency-Key header is carried out once; "subsequent
    requests with the same key return the same result", here with the
    header Idempotent-Replayed: true.  The same key with other parameters
    is 400 idempotency_error.  Keys are kept per API key.

The change is real: a later list shows it.  /_reset restores the customers.
"""

import copy
import threading
import time
import urllib.parse

from fakebase import json_response

FIELDS = ("email", "name", "description", "phone")


class CustomerWriter:
    """The writes of one Stripe service; keeps what /_reset restores."""

    def __init__(self, service, stripe):
        self.service = service
        self.stripe = stripe          # the stripe module: stripe_error, Endpoint
        self.lock = threading.Lock()  # one write at a time, idempotency included
        self.reset()

    def reset(self):
        with self.lock:
            if getattr(self, "pristine", None) is not None:
                self.service.endpoints["customers"] = self.pristine
            self.pristine = None
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

    def _endpoint(self):
        """The customers endpoint, saved for /_reset before its first change."""
        endpoint = self.service.endpoints["customers"]
        if self.pristine is None:
            self.pristine = endpoint
            endpoint = copy.deepcopy(endpoint)
            self.service.endpoints["customers"] = endpoint
        return endpoint

    def _write(self, req, parts, params):
        stripe = self.stripe
        if parts[:2] != ["v1", "customers"] or len(parts) > 3 or (
                req.method not in ("POST", "DELETE")) or (req.method == "DELETE" and len(parts) != 3):
            return stripe.stripe_error(404, "Unrecognized request URL (%s: %s)."
                                       % (req.method, req.path))
        for name, _ in params:
            if name not in FIELDS and name != "metadata" and not (
                    name.startswith("metadata[") and name.endswith("]")):
                return stripe.unknown(name)
        endpoint = self._endpoint()
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
        for name, value in params:
            if name in FIELDS:
                customer[name] = value or None
            elif name == "metadata":
                customer["metadata"] = {}
            elif value:
                customer["metadata"][name[len("metadata["):-1]] = value
            else:
                customer["metadata"].pop(name[len("metadata["):-1], None)
        return json_response(200, customer)
