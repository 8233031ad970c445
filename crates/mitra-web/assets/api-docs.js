// Boots the vendored Swagger UI on the API reference page.
// Kept in its own file because the Content-Security-Policy forbids inline scripts.
// Expects vendor/swagger-ui/swagger-ui-bundle.js to be loaded first and an
// element with id="swagger-ui" in the page.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  if (typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Do not send the spec to the public validator.swagger.io service.
    validatorUrl: null,
  });
});
