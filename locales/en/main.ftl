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
