import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

/** An echarts chart; echarts is loaded with the first chart shown, not with the console. */
export const Chart = ({ option, testId }: { option: EChartsOption; testId: string }) => {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    import('./echarts-setup.js').then(({ echarts }) => {
      if (disposed || !element.current) return;
      const chart = echarts.init(element.current);
      chart.setOption(option);
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [option]);
  return <div className="chart" data-testid={testId} ref={element} />;
};
