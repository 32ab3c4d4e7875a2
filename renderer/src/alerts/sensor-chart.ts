/**
 * The detail pane's reading chart (loaded lazily): ECharts with only the line chart, grid,
 * tooltip and markLine, on the canvas renderer. The sensor's warn/danger levels are markLines.
 */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface ChartInput {
  points: { at: string; value: number }[];
  unit: string;
  warn?: number | undefined;
  danger?: number | undefined;
  labels: { warn: string; danger: string };
  from: number;
  to: number;
}

export interface SensorChart {
  set(input: ChartInput): void;
  resize(): void;
  destroy(): void;
}

const timeLabel = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });

export function createSensorChart(container: HTMLElement): SensorChart {
  const chart = echarts.init(container, undefined, { renderer: 'canvas' });
  return {
    set(input) {
      const marks: { yAxis: number; name: string; lineStyle: { color: string } }[] = [];
      if (input.warn !== undefined) marks.push({ yAxis: input.warn, name: input.labels.warn, lineStyle: { color: '#ffb547' } });
      if (input.danger !== undefined) marks.push({ yAxis: input.danger, name: input.labels.danger, lineStyle: { color: '#ff5c61' } });
      const values = input.points.map((p) => p.value).concat(marks.map((m) => m.yAxis));
      chart.setOption(
        {
          animation: false,
          grid: { left: 48, right: 70, top: 16, bottom: 26 },
          tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${String(v)} ${input.unit}` },
          xAxis: {
            type: 'time',
            min: input.from,
            max: input.to,
            axisLabel: { color: '#7f92b0', formatter: (v: number) => timeLabel.format(v) },
            axisLine: { lineStyle: { color: '#2b4772' } },
            splitLine: { show: false },
          },
          yAxis: {
            type: 'value',
            name: input.unit,
            nameTextStyle: { color: '#7f92b0' },
            min: values.length ? Math.floor(Math.min(...values) * 0.95) : undefined,
            max: values.length ? Math.ceil(Math.max(...values) * 1.05) : undefined,
            axisLabel: { color: '#7f92b0' },
            splitLine: { lineStyle: { color: '#1c2f4d' } },
          },
          series: [
            {
              type: 'line',
              showSymbol: false,
              data: input.points.map((p) => [Date.parse(p.at), p.value]),
              lineStyle: { color: '#3db4ff', width: 2 },
              areaStyle: { color: 'rgba(61,180,255,0.12)' },
              markLine: {
                symbol: 'none',
                silent: true,
                label: { color: '#b4c3da', formatter: '{b} {c}' },
                lineStyle: { type: 'dashed', width: 1.5 },
                data: marks,
              },
            },
          ],
        },
        true,
      );
    },
    resize: () => chart.resize(),
    destroy: () => chart.dispose(),
  };
}
