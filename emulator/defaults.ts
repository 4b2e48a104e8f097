// Default report `data.configuration` bodies of the Optimize web UI, verbatim from
// camunda/camunda optimize/client/src/modules/newReport.json @ 639d3f94. The generator builds realistic reports on them.
import type {JsonObject} from './types.js'

export const PROCESS_CONFIGURATION: JsonObject = {
  color: '#1991c8',
  aggregationTypes: [
    {
      type: 'avg',
      value: null
    }
  ],
  userTaskDurationTimes: ['total'],
  showInstanceCount: false,
  pointMarkers: true,
  precision: null,
  hideRelativeValue: false,
  hideAbsoluteValue: false,
  alwaysShowRelative: false,
  alwaysShowAbsolute: false,
  showGradientBars: true,
  stackedBar: false,
  horizontalBar: false,
  logScale: false,
  xml: null,
  tableColumns: {
    includeNewVariables: false,
    includedColumns: [],
    excludedColumns: [],
    columnOrder: []
  },
  targetValue: {
    active: false,
    isKpi: false,
    countChart: {
      isBelow: false,
      value: '100'
    },
    durationChart: {
      unit: 'hours',
      isBelow: false,
      value: '2'
    },
    durationProgress: {
      baseline: {
        unit: 'hours',
        value: '0'
      },
      target: {
        unit: 'hours',
        value: '2',
        isBelow: false
      }
    },
    countProgress: {
      baseline: '0',
      target: '100',
      isBelow: false
    }
  },
  heatmapTargetValue: {
    active: false,
    values: {}
  },
  ylabel: '',
  xlabel: '',
  processPart: null,
  sorting: null,
  groupByDateVariableUnit: 'automatic',
  distributeByDateVariableUnit: 'automatic',
  customBucket: {
    active: false,
    bucketSize: '10',
    bucketSizeUnit: 'minute',
    baseline: '0',
    baselineUnit: 'minute'
  },
  distributeByCustomBucket: {
    active: false,
    bucketSize: '10',
    bucketSizeUnit: 'minute',
    baseline: '0',
    baselineUnit: 'minute'
  },
  measureVisualizations: {
    frequency: 'bar',
    duration: 'line'
  }
}

export const DECISION_CONFIGURATION: JsonObject = {
  color: '#1991c8',
  aggregationTypes: [
    {
      type: 'avg',
      value: null
    }
  ],
  userTaskDurationTimes: ['total'],
  showInstanceCount: false,
  pointMarkers: true,
  precision: null,
  hideRelativeValue: false,
  hideAbsoluteValue: false,
  alwaysShowRelative: false,
  alwaysShowAbsolute: false,
  showGradientBars: true,
  xml: null,
  tableColumns: {
    includeNewVariables: false,
    includedColumns: [],
    excludedColumns: [],
    columnOrder: []
  },
  targetValue: {
    active: false,
    isKpi: false,
    countChart: {
      isBelow: false,
      value: '100'
    },
    durationChart: {
      unit: 'hours',
      isBelow: false,
      value: '2'
    },
    durationProgress: {
      baseline: {
        unit: 'hours',
        value: '0'
      },
      target: {
        unit: 'hours',
        value: '2',
        isBelow: false
      }
    },
    countProgress: {
      baseline: '0',
      target: '100',
      isBelow: false
    }
  },
  heatmapTargetValue: {
    active: false,
    values: {}
  },
  ylabel: '',
  xlabel: '',
  sorting: null,
  logScale: false,
  horizontalBar: false
}

export const COMBINED_CONFIGURATION: JsonObject = {
  pointMarkers: true,
  logScale: false,
  hideRelativeValue: false,
  hideAbsoluteValue: false,
  alwaysShowRelative: false,
  alwaysShowAbsolute: false,
  targetValue: {
    countChart: {
      isBelow: false,
      value: '100'
    },
    active: false,
    durationChart: {
      unit: 'hours',
      isBelow: false,
      value: '2'
    }
  },
  ylabel: '',
  xlabel: ''
}
