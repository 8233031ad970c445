# Mitra 用户界面——简体中文。en/main.ftl 中的每个键也必须存在于本文件中（由测试检查）。

## 全站通用
site-name = Mitra
site-tagline = 东盟—中国智慧城市合作
skip-to-content = 跳至正文
nav-label = 主导航
nav-home = 首页
nav-cities = 城市
nav-standards = 标准
nav-api = API
language-switch-label = 语言
demo-banner = 演示实例：此处数据仅供试用 Mitra。切勿在生产环境中运行演示实例。
footer-about = Mitra 是开放、可自行部署的软件，服务于《东盟—中国领导人关于智慧城市合作的声明》（2019年，曼谷）所确定的合作。
footer-data = 数据来源：联合国经社部《世界城市化展望2018》(CC BY 3.0 IGO)、GeoNames (CC BY 4.0)、Natural Earth（公有领域）；指标清单的来源见各标准页面。
content-language-note = （英文）

## 首页
home-title = Mitra — 东盟—中国智慧城市合作
home-intro = 东盟智慧城市网络各城市及其中国伙伴城市在此交流成功经验，对照共同的指标标准开展自我评估，并寻找合作伙伴。Mitra 是开展这一合作的平台。
home-stat-cities = 城市
home-stat-ascn = 东盟智慧城市网络城市
home-stat-partners = 中国伙伴城市
home-stat-standards = 指标标准
home-map-heading = 东盟与中国城市
home-map-description = 共 { $count } 个城市的地图，包括东盟十国和中国人口30万及以上的城市，以及人口低于此规模的东盟智慧城市网络城市。网络城市以突出方式显示。
home-map-skip = 跳过地图：浏览城市列表
home-networks-heading = 城市网络
home-standards-heading = 指标标准
home-standards-text = 统一的智慧城市指标标准目录，并列明各标准之间的关系。
map-legend-label = 图例
map-legend-other = 其他人口30万及以上的城市

## 城市网络
network-ascn = 东盟智慧城市网络（两批城市）
network-ascn-pilot-2018 = ASCN 试点城市（2018年）
network-ascn-2024 = ASCN 城市（2024年加入）
network-cn-partner = 中国伙伴城市（2019年声明）
network-none = 未加入网络

## 城市
cities-title = 城市
cities-filter-heading = 筛选城市
cities-filter-country = 国家
cities-filter-network = 城市网络
cities-filter-name = 名称包含
cities-filter-any = 不限
cities-filter-submit = 应用筛选
cities-filter-reset = 清除筛选
cities-count = 共有 { $count } 个城市符合条件。
cities-empty = 没有符合筛选条件的城市。清除部分筛选条件可查看更多结果。
cities-column-name = 城市
cities-column-country = 国家
cities-column-population = 人口
cities-column-networks = 城市网络
cities-next-page = 下一页
cities-first-page = 第一页
population-year = （{ $year }年）
population-year-unknown = （未注明年份）

## 城市页面
city-names-heading = 名称
city-name-en = 英文
city-name-zh = 中文
city-name-local = 当地语言
city-facts-heading = 基本信息
city-country = 国家
city-admin1 = 省/州
city-coordinates = 坐标
city-timezone = 时区
city-population = 人口
city-population-source = 来源
city-networks = 城市网络
city-population-heading = 人口变化
city-population-year = 年份
city-population-count = 人口
city-population-kind = 数据类型
population-kind-estimate = 估计值
population-kind-projection = 预测值
city-population-empty = 暂无该城市的人口序列数据。
city-back = 全部城市

## 标准
standards-title = 指标标准
standards-intro = Mitra 收录的指标标准，以其公开来源所列内容为限。仅收录标题和编号：各标准的规范性文本归其发布机构所有。
standards-column-code = 标准
standards-column-title = 名称
standards-column-publisher = 发布机构
standards-column-indicators = 指标
standards-focus-heading = 东盟智慧城市网络重点领域
standards-focus-text = 《东盟智慧城市框架》的六大重点领域，各城市据此阐明其优先事项。
standard-coverage = 覆盖范围
standard-source = 来源
standard-themes-heading = 按主题分列的指标
standard-empty = 尚未载入该标准的任何指标。
indicators-column-code = 编号
indicators-column-title = 名称
indicators-column-kind = 类型
indicators-column-unit = 单位
kind-core = 核心指标
kind-supporting = 辅助指标
kind-advanced = 高级指标
kind-profile = 概况指标
kind-level-1 = 一级指标
kind-level-2 = 二级指标
kind-sub-item = 分项
unit-none = —

## 指标页面
indicator-standard = 标准
indicator-code = 编号
indicator-theme = 主题
indicator-kind = 类型
indicator-unit = 单位
indicator-parent = 所属
indicator-weight = 权重
indicator-source = 来源
indicator-title-translated = 英文标题为译文。
indicator-crosswalk-heading = 与其他标准的关系
indicator-crosswalk-intro = 两项指标等同时，按其中一项报告的数值在另一项下同样予以认可。
indicator-crosswalk-empty = 尚无与其他标准指标之间关系的记录。
crosswalk-column-indicator = 指标
crosswalk-column-relation = 关系
crosswalk-column-basis = 依据
crosswalk-column-note = 来源原文
relation-equivalent = 等同
relation-broader = 更宽泛
relation-narrower = 更具体（属于）
relation-related = 相关
basis-source = 已发布的来源
basis-derived = 由分析人员推导，有待审核

## API 参考
api-title = API 参考
api-intro = JSON API 位于 /api/v1 路径下。其 OpenAPI 3.1 文档位于 /api/v1/openapi.json。
api-noscript = 交互式参考文档需要启用 JavaScript。OpenAPI 文档本身为纯 JSON 格式。

## 错误
error-not-found-title = 页面未找到
error-not-found-text = 此地址不存在页面。
error-bad-request-title = 无法响应此请求
error-internal-title = 出现错误
error-internal-text = 该错误已记录，请稍后重试。
error-back-home = 返回首页
