/* LDAP for the static bootstrap: the entry points Debian's libpq.a
 * references (LDAP lookups of connection parameters, "ldap://" service
 * entries in pg_service.conf), failing the way OpenLDAP reports an error:
 * ldap_init returns NULL, so libpq reports "could not create LDAP structure"
 * and never calls the rest. Nothing here uses LDAP. */
#include <stddef.h>

typedef void V;

#define NOT_SUPPORTED (-12) /* LDAP_NOT_SUPPORTED */

V* ldap_init(const char* host, int port) {
  (void)host;
  (void)port;
  return NULL;
}

int ldap_set_option(V* ld, int option, const V* value) {
  (void)ld;
  (void)option;
  (void)value;
  return -1;
}

int ldap_simple_bind(V* ld, const char* dn, const char* password) {
  (void)ld;
  (void)dn;
  (void)password;
  return -1;
}

int ldap_result(V* ld, int id, int all, V* timeout, V** result) {
  (void)ld;
  (void)id;
  (void)all;
  (void)timeout;
  if (result) *result = NULL;
  return -1;
}

int ldap_search_st(V* ld, const char* base, int scope, const char* filter, char** attrs, int attrs_only, V* timeout,
                   V** result) {
  (void)ld;
  (void)base;
  (void)scope;
  (void)filter;
  (void)attrs;
  (void)attrs_only;
  (void)timeout;
  if (result) *result = NULL;
  return NOT_SUPPORTED;
}

int ldap_count_entries(V* ld, V* message) {
  (void)ld;
  (void)message;
  return -1;
}

V* ldap_first_entry(V* ld, V* message) {
  (void)ld;
  (void)message;
  return NULL;
}

V** ldap_get_values_len(V* ld, V* entry, const char* attribute) {
  (void)ld;
  (void)entry;
  (void)attribute;
  return NULL;
}

void ldap_value_free_len(V** values) {
  (void)values;
}

int ldap_msgfree(V* message) {
  (void)message;
  return -1;
}

int ldap_unbind(V* ld) {
  (void)ld;
  return NOT_SUPPORTED;
}

char* ldap_err2string(int error) {
  (void)error;
  return (char*)"LDAP is not supported by this build";
}
