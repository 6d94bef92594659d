/*-------------------------------------------------------------------------
 *
 * http_retry.c
 *		  When a request failed: raising transport failures, deciding what
 *		  is worth another attempt, and waiting before it.
 *
 * - Every wait (backoff, Retry-After, a rate limit's reset) sleeps on the
 *	 latch, so query cancel, statement_timeout and backend termination
 *	 interrupt it; none is longer than saas_fdw.max_retry_wait.
 *
 * - A response with HTTP status >= 400 is not raised here: http_finish
 *	 returns it and the caller raises it with api_report_method_error, which knows
 *	 the service.  Only transport failures (no connection, timeouts, TLS),
 *	 an oversized body and a cancelled transfer are raised here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <time.h>

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"

#include "http_internal.h"
#include "ratelimit.h"
#include "saas_fdw.h"
#include "wait_events.h"

/* backoff between retries without a server-given wait (Stripe's SDK values) */
#define HTTP_BACKOFF_BASE_MS	500
#define HTTP_BACKOFF_CAP_MS		5000

static double http_retry_wait_ms(int retry, const HttpTransfer *t);
static double http_backoff_ms(int retry);


/* ----------------------------------------------------------------
 *		Failures
 * ----------------------------------------------------------------
 */

/*
 * http_raise_aborted
 *		A callback aborted the transfer: raise for the reason it recorded.
 */
void
http_raise_aborted(const HttpTransfer *t)
{
	const char *url = t->current_url;

	if (t->cancelled)
	{
		CHECK_FOR_INTERRUPTS();
		/* interrupts are held off: still do not go on */
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("canceling API request to %s", http_origin_text(url))));
	}
	if (t->too_large)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("API response from %s is larger than saas_fdw.max_response_size",
						http_origin_text(url)),
				 errdetail("The limit is %zu kB.", t->limit / 1024),
				 errhint("Raise saas_fdw.max_response_size, or ask for fewer items per page with the page_size option.")));
	if (t->out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not allocate %zu bytes for the API response.",
						   t->body_len)));
}

/*
 * http_transport_retryable
 *		Is a failure below HTTP one that may pass (a refused or dropped
 *		connection, a timeout)?
 */
bool
http_transport_retryable(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_COULDNT_CONNECT:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

/*
 * http_raise_transport
 *		A request failed below HTTP: raise, naming where and which setting.
 */
void
http_raise_transport(const HttpTransfer *t, int attempts)
{
	CURLcode	rc = t->result;
	const HttpRequest *request = &t->request;
	char	   *origin = http_origin_text(t->current_url);
	const char *reason = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	char	   *detail;

	if (attempts > 1)
		detail = psprintf("%s (after %d attempts).", reason, attempts);
	else
		detail = psprintf("%s.", reason);

	/* a write that may have arrived is not sent again: say so */
	if (request->at_most_once && t->connected)
		ereport(ERROR,
				(errcode(ERRCODE_TRANSACTION_RESOLUTION_UNKNOWN),
				 errmsg("API request to %s failed after it may have been carried out",
						origin),
				 errdetail("%s The API may or may not have made the change.", detail),
				 errhint("Check in the service whether the change was made before running the statement again.")));

	switch (rc)
	{
		case CURLE_OPERATION_TIMEDOUT:
			if (!t->connected)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
						 errmsg("could not reach the API at %s: connection timed out",
								origin),
						 errdetail("%s", detail),
						 errhint("Check the server option base_url, or allow more than %d ms with saas_fdw.connect_timeout or the server option connect_timeout_ms.",
								 request->connect_timeout_ms)));
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("API request to %s timed out", origin),
					 errdetail("%s", detail),
					 errhint("Allow more than %d ms with saas_fdw.timeout or the server option timeout_ms.",
							 request->timeout_ms)));
			break;
		case CURLE_URL_MALFORMAT:
		case CURLE_UNSUPPORTED_PROTOCOL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid API URL for %s", origin),
					 errdetail("%s", detail),
					 errhint("Check the server option base_url: it must be an http or https URL.")));
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s", origin),
					 errdetail("%s", detail),
					 errhint("Check the host name in the server option base_url and the database server's DNS.")));
			break;
		case CURLE_SSL_CACERT_BADFILE:
			/* say why the file of the server option could not be used */
			if (request->ca_file != NULL)
			{
				saas_check_readable_file(request->ca_file, "ca_file");
				ereport(ERROR,
						(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
						 errmsg("could not load certificate authorities from file \"%s\" named by option \"ca_file\"",
								request->ca_file),
						 errdetail("%s", detail),
						 errhint("The file must hold certificates in PEM form (-----BEGIN CERTIFICATE-----).")));
			}
			/* FALLTHROUGH */
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_CRL_BADFILE:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		case CURLE_SSL_INVALIDCERTSTATUS:
		case CURLE_SSL_ENGINE_INITFAILED:
		case CURLE_SSL_SHUTDOWN_FAILED:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s: TLS failed", origin),
					 errdetail("%s", detail),
					 errhint("Check base_url, the server's certificate and the server option ca_file: the certificate is always verified, against the system's trusted authorities or only those in the PEM file ca_file names.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s", origin),
					 errdetail("%s", detail),
					 errhint("Check that the API is reachable from the database server and that the server option base_url is right.")));
			break;
	}
}


/* ----------------------------------------------------------------
 *		Retries and waits
 * ----------------------------------------------------------------
 */

/*
 * http_should_retry
 *		Is this response worth retrying?  5xx, 429, 403 that is a GitHub
 *		rate limit (no requests remaining, or a Retry-After), and 400 with a
 *		Retry-After (Linear's rate limit, RATELIMITED);
 *		Stripe-Should-Retry overrides either way.  A request sent at most
 *		once is retried only after a rate limit (429, or GitHub's 403), which
 *		the API answers before acting: any other answer may follow a change
 *		the API made.
 */
bool
http_should_retry(long status, const HttpTransfer *t)
{
	bool		rate_limited = status == 429 ||
		(status == 403 && (t->ratelimit_remaining == 0 || t->retry_after_s >= 0)) ||
		(status == 400 && t->retry_after_s >= 0);

	if (status < 400)
		return false;
	if (t->request.at_most_once)
		return rate_limited;
	if (t->should_retry == 0)
		return false;
	if (t->should_retry == 1)
		return true;
	if (status >= 500 && status <= 599)
		return true;
	return rate_limited;
}

/*
 * http_retry_wait_ms
 *		How long to wait before retry number retry (0-based): Retry-After if
 *		the API gave it; the reset time if no requests remain; else
 *		exponential backoff with jitter.
 */
static double
http_retry_wait_ms(int retry, const HttpTransfer *t)
{
	if (t->retry_after_s >= 0)
		return t->retry_after_s * 1000.0;
	if (t->ratelimit_remaining == 0 && t->ratelimit_reset > 0)
	{
		double		until = ((double) t->ratelimit_reset - (double) time(NULL)) * 1000.0;

		return Max(until, 0) + RATE_LIMIT_RESET_MARGIN_MS;
	}
	return http_backoff_ms(retry);
}

/*
 * http_backoff_ms
 *		Exponential backoff with jitter before retry number retry (0-based).
 */
static double
http_backoff_ms(int retry)
{
	double		ms;

	ms = HTTP_BACKOFF_BASE_MS * pow(2.0, Min(retry, 16));
	ms = Min(ms, HTTP_BACKOFF_CAP_MS);
	/* between half and all of it, so backends do not retry in step */
	return ms * (0.5 + 0.5 * pg_prng_double(&pg_global_prng_state));
}

/*
 * http_backoff
 *		Wait before retry number retry (0-based) of a request whose answer
 *		the caller found transient (Slack's internal_error sent with HTTP
 *		200), and count the retry.  Cancellable, like every wait here.
 */
void
http_backoff(int retry, HttpCounters *counters)
{
	http_sleep(http_backoff_ms(retry), saas_wait_event_http(), counters);
	counters->retries++;
}

/*
 * http_sleep
 *		Sleep on the latch, so that cancel and backend termination
 *		interrupt, showing wait_event meanwhile (wait_events.c).  counters
 *		(may be NULL) adds up the time.
 */
void
http_sleep(double ms, uint32 wait_event, HttpCounters *counters)
{
	TimestampTz start = GetCurrentTimestamp();
	TimestampTz end = start + (TimestampTz) (ms * 1000.0);

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		long		remaining;
		int			rc;

		if (now >= end)
			break;
		remaining = (long) ((end - now + 999) / 1000);
		rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					   remaining, wait_event);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	if (counters != NULL)
		counters->wait_ms += (double) (GetCurrentTimestamp() - start) / 1000.0;
}

/*
 * http_try_again
 *		Send t's request again after the wait its failure calls for, if a
 *		retry is left and the wait is within saas_fdw.max_retry_wait; false
 *		if not.
 */
bool
http_try_again(HttpTransfer *t, HttpCounters *counters)
{
	double		wait_ms;

	if (t->retries >= t->request.max_retries)
		return false;
	wait_ms = http_retry_wait_ms(t->retries, t);
	if (wait_ms > (double) saas_max_retry_wait_s * 1000.0)
		return false;
	http_sleep(wait_ms, saas_wait_event_http(), counters);
	t->retries++;
	counters->retries++;
	http_send(t);
	return true;
}
