"""The REST API (/api/v1/): open data without sign-in, and organisations'
software signed in with an API token (maillage.api). Thin views over the
domains' selectors, policies and services, like the pages."""
