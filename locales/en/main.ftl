# Mitra user interface — English. Every key here must also exist in zh-Hans/main.ftl (a test checks it).

## Site-wide
site-name = Mitra
site-tagline = ASEAN–China smart city cooperation
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-cities = Cities
nav-standards = Standards
nav-api = API
language-switch-label = Language
demo-banner = Demonstration instance: the data here is for trying Mitra out. Never run a demonstration instance in production.
footer-about = Mitra is open, self-hostable software for the cooperation agreed in the ASEAN–China Leaders' Statement on Smart City Cooperation (Bangkok, 2019).
footer-data = Data: UN DESA World Urbanization Prospects 2018 (CC BY 3.0 IGO), GeoNames (CC BY 4.0), Natural Earth (public domain); indicator lists as credited on each standard's page.
content-language-note = (in English)

## Home
home-title = Mitra — ASEAN–China smart city cooperation
home-intro = Cities of the ASEAN Smart Cities Network and their Chinese partner cities share what works, measure themselves against common indicator standards, and find partners. Mitra is where this cooperation happens.
home-stat-cities = Cities
home-stat-ascn = ASEAN Smart Cities Network cities
home-stat-partners = Chinese partner cities
home-stat-standards = Indicator standards
home-map-heading = Cities of ASEAN and China
home-map-description = Map of { $count } cities of the ten ASEAN countries and China with 300,000 inhabitants or more, and the ASEAN Smart Cities Network cities below that size. Network cities are highlighted.
home-map-skip = Skip the map: browse the list of cities
home-networks-heading = Networks
home-standards-heading = Indicator standards
home-standards-text = One catalogue of smart-city indicator standards, with the relations between them.
map-legend-label = Legend
map-legend-other = Other city of 300,000 or more

## Networks
network-ascn = ASEAN Smart Cities Network (both cohorts)
network-ascn-pilot-2018 = ASCN pilot city (2018)
network-ascn-2024 = ASCN city (joined 2024)
network-cn-partner = Chinese partner city (2019 statement)
network-none = No network

## Cities
cities-title = Cities
cities-filter-heading = Filter cities
cities-filter-country = Country
cities-filter-network = Network
cities-filter-name = Name contains
cities-filter-any = Any
cities-filter-submit = Apply filters
cities-filter-reset = Clear filters
cities-count = { $count ->
    [one] One city matches.
   *[other] { $count } cities match.
}
cities-empty = No city matches these filters. Clear a filter to see more.
cities-column-name = City
cities-column-country = Country
cities-column-population = Population
cities-column-networks = Networks
cities-next-page = Next page
cities-first-page = First page
population-year = ({ $year })
population-year-unknown = (year not stated)

## City page
city-names-heading = Names
city-name-en = English
city-name-zh = Chinese
city-name-local = Local language
city-facts-heading = Facts
city-country = Country
city-admin1 = Province or state
city-coordinates = Coordinates
city-timezone = Time zone
city-population = Population
city-population-source = Source
city-networks = Networks
city-population-heading = Population over time
city-population-year = Year
city-population-count = Population
city-population-kind = Figure
population-kind-estimate = Estimate
population-kind-projection = Projection
city-population-empty = No population series is available for this city.
city-back = All cities

## Standards
standards-title = Indicator standards
standards-intro = The indicator standards Mitra holds, as far as their public sources list them. Titles and codes only: the standards' normative text belongs to their publishers.
standards-column-code = Standard
standards-column-title = Title
standards-column-publisher = Publisher
standards-column-indicators = Indicators
standards-focus-heading = ASEAN Smart Cities Network focus areas
standards-focus-text = The six focus areas of the ASEAN Smart Cities Framework, which cities use to state their priorities.
standard-coverage = Coverage
standard-source = Source
standard-themes-heading = Indicators by theme
standard-empty = No indicators of this standard are loaded yet.
indicators-column-code = Code
indicators-column-title = Title
indicators-column-kind = Kind
indicators-column-unit = Unit
kind-core = Core
kind-supporting = Supporting
kind-advanced = Advanced
kind-profile = Profile
kind-level-1 = First-level index
kind-level-2 = Second-level index
kind-sub-item = Sub-item
unit-none = —

## Indicator page
indicator-standard = Standard
indicator-code = Code
indicator-theme = Theme
indicator-kind = Kind
indicator-unit = Unit
indicator-parent = Part of
indicator-weight = Weight
indicator-source = Source
indicator-title-translated = The English title is a translation.
indicator-crosswalk-heading = Relations to other standards
indicator-crosswalk-intro = Where two indicators are equivalent, a value reported under one is recognised under the other.
indicator-crosswalk-empty = No relation to an indicator of another standard is recorded.
crosswalk-column-indicator = Indicator
crosswalk-column-relation = Relation
crosswalk-column-basis = Basis
crosswalk-column-note = Source wording
relation-equivalent = Equivalent
relation-broader = Broader than
relation-narrower = Narrower than (part of)
relation-related = Related
basis-source = Published source
basis-derived = Derived by an analyst, to be reviewed

## API reference
api-title = API reference
api-intro = The JSON API lives under /api/v1. Its OpenAPI 3.1 document is at /api/v1/openapi.json.
api-noscript = The interactive reference needs JavaScript. The OpenAPI document itself is plain JSON.

## Errors
error-not-found-title = Page not found
error-not-found-text = There is no page at this address.
error-bad-request-title = This request cannot be answered
error-internal-title = Something went wrong
error-internal-text = The error has been logged. Please try again later.
error-back-home = Back to the home page

## Accounts
nav-organisations = Organisations
nav-account = Account
nav-admin = Administration
nav-sign-in = Sign in
nav-sign-up = Sign up
nav-sign-out = Sign out
form-email = E-mail address
form-password = Password
form-password-hint = At least 12 characters; common passwords are refused.
form-display-name = Your name
form-submit = Save
form-error-heading = Please correct this:
signup-title = Create an account
signup-intro = Sign up to publish for your organisation. We will send you a link to confirm your e-mail address.
signup-submit = Create account
signup-done = If this address can be used, we have sent a confirmation link to it. Follow it within 24 hours, then sign in.
login-title = Sign in
login-submit = Sign in
login-forgot = Forgot your password?
login-no-account = No account yet? Sign up.
verify-title = E-mail address confirmed
verify-done = Your e-mail address is confirmed. You can sign in now.
reset-title = Forgot your password
reset-intro = Enter your e-mail address. If it has an account, we will send a link to set a new password.
reset-submit = Send the link
reset-done = If this address has an account, a link to set a new password is on its way. It works for 24 hours.
reset-confirm-title = Set a new password
reset-confirm-submit = Set password
reset-confirm-done = Your new password is set, and every other session has been signed out. Sign in with the new password.
account-title = Your account
account-settings-heading = Settings
account-language = Interface language
account-time-zone = Time zone
account-saved = Your settings are saved.
account-orgs-heading = Your organisations
account-orgs-empty = You do not belong to an organisation yet. Create one, or ask an organisation's admin to invite you.
account-tokens-heading = API tokens
account-tokens-intro = Tokens let programs use the API on your behalf: send them as "Authorization: Bearer" followed by the token. A read token cannot change anything.
account-token-name = Name
account-token-scope = Scope
account-token-created = Created
account-token-last-used = Last used
account-token-never = never
account-token-revoked = revoked
account-token-revoke = Revoke
account-token-create = Create token
account-token-new = Your new token is below. Copy it now: it will not be shown again.
account-tokens-empty = You have no API tokens.
account-token-revoked-done = The token is revoked.
scope-read = Read only
scope-write = Read and write
role-admin = Admin
role-editor = Editor
role-member = Member
role-platform-admin = Platform admin
role-verifier = Verifier
role-none = No platform role

## Organisations
orgs-title = Organisations
orgs-intro = City governments, ministries, research institutions, companies, start-ups, investors, multilateral institutions, NGOs and training providers that work on smart cities in ASEAN and China.
orgs-empty = No organisation has been approved yet.
orgs-new = Register an organisation
orgs-column-name = Organisation
orgs-column-kind = Kind
orgs-column-country = Country
org-new-title = Register an organisation
org-new-intro = You become its admin. A platform admin reviews it before it is shown to everyone.
org-kind = Kind
org-name-en = Name in English
org-name-zh = Name in Chinese
org-country = Country
org-city = City (required for a city government)
org-website = Web site (https://…)
org-description-en = What the organisation does (English)
org-description-zh = What the organisation does (Chinese)
org-create = Register
org-edit = Edit the profile
org-edit-title = Edit the organisation
org-status = Status
org-status-pending = Waiting for review: only its members and platform admins can see it.
org-status-approved = Approved
org-status-rejected = Rejected. The reviewer said:
org-members-heading = Members
org-invite-heading = Invite a member
org-invite-submit = Send invitation
org-invited = The invitation is sent. The link works for 7 days.
org-saved = The organisation is saved.
org-created = The organisation is registered and waits for review.
invitation-title = Join an organisation
invitation-intro = You have been invited to join an organisation. Accept with the account this address belongs to.
invitation-accept = Accept the invitation
invitation-accepted = You are now a member.
kind-city-government = City government
kind-national-ministry = National ministry
kind-research-institution = Research institution or university
kind-enterprise = Enterprise
kind-startup = Start-up
kind-investor = Investor
kind-multilateral-institution = Multilateral institution
kind-ngo = NGO or association
kind-training-provider = Training provider

## Administration
admin-title = Administration
admin-moderation-heading = Waiting for review
admin-moderation-empty = Nothing is waiting for review.
admin-approve = Approve
admin-reject = Reject
admin-reject-reason = Reason (the organisation's members will see it)
admin-approved = Approved.
admin-rejected = Rejected; the reason is shown to the organisation's members.
admin-audit-heading = Audit trail
admin-audit-actor = Actor
admin-audit-entity = Entity
admin-audit-from = From (date)
admin-audit-to = To (date)
admin-audit-filter = Filter
admin-audit-csv = Download as CSV
admin-audit-when = When
admin-audit-action = Action
admin-audit-id = Id
admin-audit-change = Change
admin-audit-empty = No entry matches these filters.
admin-audit-older = Older entries
admin-users-heading = Accounts and platform roles
admin-users-role = Platform role
admin-users-set = Set role
admin-users-saved = The role is saved.

## Errors (accounts)
error-sign-in-title = Sign in first
error-sign-in-text = This page needs a signed-in account.
error-forbidden-title = Not allowed
error-forbidden-text = Your account may not do this.
login-error-invalid = The e-mail address or password is not right, or there were too many attempts. Wait a few minutes and try again.
login-error-unverified = Confirm your e-mail address first: follow the link we sent you.
link-invalid = This link is not valid any more. Ask for a new one.
form-invalid-field = This field needs attention
org-invite-role = Role in the organisation
