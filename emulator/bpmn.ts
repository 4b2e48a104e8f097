// Generated BPMN/DMN XML for definitions. Process reports carry the definition XML in
// `configuration.xml` after import, so realistic sizes (10–50 KB) matter for
// export benchmarks and diffs.

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
}

/** A valid-looking BPMN 2.0 document of about `targetBytes` characters. */
export function generateBpmn(key: string, name: string, targetBytes = 12_000): string {
  const head =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ` +
    `xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ` +
    `xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ` +
    `id="Definitions_${escapeXml(key)}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.28.0">\n` +
    `  <bpmn:process id="${escapeXml(key)}" name="${escapeXml(name)}" isExecutable="true">\n` +
    `    <bpmn:startEvent id="StartEvent_1" name="Request received">\n      <bpmn:outgoing>Flow_0</bpmn:outgoing>\n    </bpmn:startEvent>\n`
  const tasks: string[] = []
  const shapes: string[] = []
  let size = head.length + 600
  let i = 0
  while (size < targetBytes || i < 2) {
    const task =
      `    <bpmn:serviceTask id="Activity_${i}" name="Step ${i + 1}: handle ${escapeXml(name)}">\n` +
      `      <bpmn:extensionElements>\n        <zeebe:taskDefinition type="${escapeXml(key)}-step-${i}" retries="3" />\n      </bpmn:extensionElements>\n` +
      `      <bpmn:incoming>Flow_${i}</bpmn:incoming>\n      <bpmn:outgoing>Flow_${i + 1}</bpmn:outgoing>\n    </bpmn:serviceTask>\n` +
      `    <bpmn:sequenceFlow id="Flow_${i}" sourceRef="${i === 0 ? 'StartEvent_1' : `Activity_${i - 1}`}" targetRef="Activity_${i}" />\n`
    const shape =
      `      <bpmndi:BPMNShape id="Activity_${i}_di" bpmnElement="Activity_${i}">\n` +
      `        <dc:Bounds x="${270 + i * 160}" y="77" width="100" height="80" />\n      </bpmndi:BPMNShape>\n` +
      `      <bpmndi:BPMNEdge id="Flow_${i}_di" bpmnElement="Flow_${i}">\n` +
      `        <di:waypoint x="${215 + i * 160}" y="117" />\n        <di:waypoint x="${270 + i * 160}" y="117" />\n      </bpmndi:BPMNEdge>\n`
    tasks.push(task)
    shapes.push(shape)
    size += task.length + shape.length
    i++
  }
  return (
    head +
    tasks.join('') +
    `    <bpmn:endEvent id="EndEvent_1" name="Done">\n      <bpmn:incoming>Flow_${i}</bpmn:incoming>\n    </bpmn:endEvent>\n` +
    `    <bpmn:sequenceFlow id="Flow_${i}" sourceRef="Activity_${i - 1}" targetRef="EndEvent_1" />\n` +
    `  </bpmn:process>\n  <bpmndi:BPMNDiagram id="BPMNDiagram_1">\n    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${escapeXml(key)}">\n` +
    shapes.join('') +
    `    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n`
  )
}

/** A small DMN 1.3 decision table. */
export function generateDmn(key: string, name: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" ` +
    `id="Definitions_${escapeXml(key)}" name="${escapeXml(name)}" namespace="http://camunda.org/schema/1.0/dmn">\n` +
    `  <decision id="${escapeXml(key)}" name="${escapeXml(name)}">\n    <decisionTable id="DecisionTable_1" hitPolicy="FIRST">\n` +
    `      <input id="Input_1" label="Amount"><inputExpression id="InputExpression_1" typeRef="number"><text>amount</text></inputExpression></input>\n` +
    `      <output id="Output_1" label="Result" name="result" typeRef="string" />\n` +
    `      <rule id="Rule_1"><inputEntry id="UnaryTests_1"><text>&lt; 1000</text></inputEntry><outputEntry id="LiteralExpression_1"><text>"approve"</text></outputEntry></rule>\n` +
    `      <rule id="Rule_2"><inputEntry id="UnaryTests_2"><text>&gt;= 1000</text></inputEntry><outputEntry id="LiteralExpression_2"><text>"review"</text></outputEntry></rule>\n` +
    `    </decisionTable>\n  </decision>\n</definitions>\n`
  )
}
