/*-------------------------------------------------------------------------
 *
 * api_error.h
 *		  API failures as PostgreSQL errors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_API_ERROR_H
#define SAAS_API_ERROR_H

#include "http.h"
#include "json.h"
#include "service.h"

/* in api_error.c */
extern _Noreturn void api_report_method_error(const ServiceSpec *service,
											  const char *method,
											  const char *url,
											  const HttpResponse *response);
extern void api_check_method_ok_flag(const ServiceSpec *service,
									 const char *method, const char *url,
									 const HttpResponse *response,
									 SaasJsonDoc *doc);
extern _Noreturn void api_report_write_unknown(const char *service_name,
											  const char *method,
											  const char *url,
											  const char *cause,
											  const char *cause_detail,
											  const char *check);
extern bool api_ok_flag_transient(const ServiceSpec *service, SaasJsonDoc *doc);
extern bool api_ok_flag_not_found(const ServiceSpec *service, SaasJsonDoc *doc);

#endif							/* SAAS_API_ERROR_H */
