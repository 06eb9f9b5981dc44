import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const SHEET_ID = "backoffice-dashboard";
const DATA_SHEET_ID = "backoffice-data";

function dashboardModel() {
    const services = odoo.__WOWL_DEBUG__.root.env.services;
    return services.spreadsheet_dashboard_loader.getActiveDashboard()?.model;
}

async function waitUntil(check, what, timeout = 20000) {
    const start = Date.now();
    for (;;) {
        const result = check();
        if (result) {
            return result;
        }
        if (Date.now() - start > timeout) {
            throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

function isLoading(cell) {
    return cell.type === "error" && cell.value === "Loading...";
}

function figureCanvas(figureId) {
    return document.querySelector(`.o-figure[data-id="${figureId}"] canvas`);
}

registry.category("web_tour.tours").add("sales_backoffice_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Dashboards app",
            trigger: ".o_app[data-menu-xmlid='spreadsheet_dashboard.spreadsheet_dashboard_menu_root']",
            run: "click",
        },
        {
            content: "Open Sales ▸ Sales Back Office",
            trigger:
                ".o_spreadsheet_dashboard_search_panel section:has(header:contains('Sales')) li:contains('Sales Back Office')",
            run: "click",
        },
        {
            content: "Its data loads without error",
            trigger:
                ".o_spreadsheet_dashboard_action:has(.o_renderer .o-spreadsheet):not(:has(.dashboard-loading-status))",
        },
        {
            content: "The period filter is offered",
            trigger: ".o_spreadsheet_dashboard_action .o_control_panel .fa-calendar",
        },
        {
            content: "Every figure of the dashboard computes without error",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            timeout: 40000,
            async run() {
                const model = dashboardModel();
                const { getters } = model;
                if (getters.getActiveSheetId() !== SHEET_ID) {
                    throw new Error("The dashboard does not open on its Dashboard sheet");
                }
                await waitUntil(
                    () =>
                        [SHEET_ID, DATA_SHEET_ID].every(
                            (sheetId) => !getters.getEvaluatedCells(sheetId).some(isLoading)
                        ),
                    "the pivots to load"
                );
                for (const sheetId of [SHEET_ID, DATA_SHEET_ID]) {
                    for (const position of getters.getEvaluatedCellsPositions(sheetId)) {
                        const cell = getters.getEvaluatedCell(position);
                        if (cell.type === "error") {
                            throw new Error(
                                `${sheetId} ${position.col},${position.row}: ${cell.value} ${cell.message}`
                            );
                        }
                    }
                }
                const figures = getters.getFigures(SHEET_ID);
                if (figures.length < 13) {
                    throw new Error(`Only ${figures.length} figures on the dashboard`);
                }
                for (const figure of figures) {
                    const chartId = getters.getChartIdFromFigureId(figure.id);
                    const definition = getters.getChartDefinition(chartId);
                    if (definition.type !== "scorecard") {
                        continue;
                    }
                    const runtime = await waitUntil(() => {
                        const rt = getters.getChartRuntime(chartId);
                        return rt.keyValue && rt.keyValue !== "Loading..." && rt;
                    }, `the scorecard ${definition.title.text}`);
                    if (runtime.keyValue.startsWith("#") || !runtime.baselineDisplay) {
                        throw new Error(
                            `Scorecard ${definition.title.text} shows "${runtime.keyValue}" / "${runtime.baselineDisplay}"`
                        );
                    }
                }
            },
        },
        {
            content: "Each figure is drawn, the charts by Chart.js",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            timeout: 40000,
            async run() {
                const model = dashboardModel();
                const { getters } = model;
                const figures = getters.getFigures(SHEET_ID);
                const drawn = new Set();
                for (let offsetY = 0; offsetY < 3000 && drawn.size < figures.length; offsetY += 200) {
                    model.dispatch("SET_VIEWPORT_OFFSET", { offsetX: 0, offsetY });
                    await new Promise((resolve) => setTimeout(resolve, 150));
                    for (const figure of figures) {
                        const canvas = figureCanvas(figure.id);
                        if (!canvas || drawn.has(figure.id)) {
                            continue;
                        }
                        const chartId = getters.getChartIdFromFigureId(figure.id);
                        const type = getters.getChartDefinition(chartId).type;
                        if (type === "scorecard") {
                            drawn.add(figure.id);
                            continue;
                        }
                        // A chart is drawn by Chart.js, with at least one value.
                        const chart = window.Chart?.getChart(canvas);
                        const hasValue = chart?.data.datasets.some((dataset) =>
                            dataset.data.some((value) => typeof value === "number" && value > 0)
                        );
                        if (hasValue) {
                            drawn.add(figure.id);
                        }
                    }
                }
                const missing = figures.filter((figure) => !drawn.has(figure.id));
                if (missing.length) {
                    throw new Error(
                        `Not drawn: ${missing.map((f) => f.id).join(", ")}`
                    );
                }
                model.dispatch("SET_VIEWPORT_OFFSET", { offsetX: 0, offsetY: 0 });
            },
        },
    ],
});
