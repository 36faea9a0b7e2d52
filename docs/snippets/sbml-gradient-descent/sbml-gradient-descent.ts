// Used below the shown region, for the chart.
import { simulate } from '@odeon/sbml';
import type { SeriesPlot } from '../series-plot.ts';

// BIOMD0000000145 (Wang et al. 2007, BioModels, CC0 1.0), inlined so the snippet also runs in the
// browser: the copy beside this file with its <annotation>, <notes> and metaid attributes removed
// (the test checks that both compile to the same model).
const BIOMD0000000145 = `<?xml version='1.0' encoding='UTF-8' standalone='no'?>
<sbml xmlns="http://www.sbml.org/sbml/level2" level="2" version="1">
  <model id="BIOMD0000000145" name="Wang2007 - ATP induced intracellular Calcium Oscillation">
      <listOfUnitDefinitions>
      <unitDefinition id="substance" name="nano mole">
        <listOfUnits>
          <unit scale="-9" kind="mole"/></listOfUnits></unitDefinition></listOfUnitDefinitions>
    <listOfCompartments>
      <compartment id="Cytosol" size="1"></compartment>
      <compartment id="ER" size="1"></compartment></listOfCompartments>
    <listOfSpecies>
      <species id="Galpha_GTP" initialConcentration="1" name="Galpha_GTP" compartment="Cytosol"></species>
      <species id="APLC" initialConcentration="9" name="APLC" compartment="Cytosol"></species>
      <species id="IP3" initialConcentration="1" name="IP3" compartment="Cytosol"></species>
      <species id="Ca_ER" initialConcentration="1000" name="Calcium" compartment="ER"></species>
      <species id="Ca_Cyt" initialConcentration="200" name="Calcium" compartment="Cytosol"></species>
      <species id="PLC" initialConcentration="1" name="PLC" compartment="Cytosol"></species>
      <species id="DG" initialConcentration="1" name="Diacylglycerol" compartment="Cytosol"></species></listOfSpecies>
    <listOfParameters>
      <parameter id="Raplc" constant="false" value="0"/>
      <parameter id="Kp" value="4"/>
      <parameter id="Rpkc" constant="false" value="0"/>
      <parameter id="Kd" value="10"/>
      <parameter id="Kr" value="200"/>
      <parameter id="Rgalpha_gtp" constant="false" value="0"/>
      <parameter id="n" value="4"/>
      <parameter id="Kg" value="25"/>
      <parameter id="Rdg" constant="false" value="0"/>
      <parameter id="m" value="2"/>
      <parameter id="Rip3" constant="false" value="0"/>
      <parameter id="Ks" value="25"/>
      <parameter id="Rcyt1" constant="false" value="0"/>
      <parameter id="Kc1" value="1000"/>
      <parameter id="Rcyt2" constant="false" value="0"/>
      <parameter id="Kc2" value="2000"/>
      <parameter id="Rer" constant="false" value="0"/>
      <parameter id="w" value="3"/>
      <parameter id="Ker" value="75"/>
      <parameter id="Cplc_total" value="10"/>
      <parameter id="k0" value="0.1"/>
      <parameter id="k1" value="3.4"/>
      <parameter id="k2" value="4"/>
      <parameter id="k3" value="4.5"/>
      <parameter id="k4" value="1.2"/>
      <parameter id="k5" value="0.12"/>
      <parameter id="k6" value="14"/>
      <parameter id="k7" value="2"/>
      <parameter id="k8" value="10500"/>
      <parameter id="k9" value="600"/>
      <parameter id="k10" value="3000"/>
      <parameter id="k11" value="260"/></listOfParameters>
    <listOfRules>
      <assignmentRule variable="DG">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <ci> IP3 </ci></math></assignmentRule>
      <assignmentRule variable="Raplc">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <ci> APLC </ci>
            <apply>
              <plus/>
              <ci> Kp </ci>
              <ci> APLC </ci></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rpkc">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <apply>
              <times/>
              <apply>
                <divide/>
                <ci> DG </ci>
                <apply>
                  <plus/>
                  <ci> Kd </ci>
                  <ci> DG </ci></apply></apply>
              <ci> Ca_Cyt </ci></apply>
            <apply>
              <plus/>
              <ci> Kr </ci>
              <ci> Ca_Cyt </ci></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rgalpha_gtp">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <apply>
              <power/>
              <ci> Galpha_GTP </ci>
              <ci> n </ci></apply>
            <apply>
              <plus/>
              <apply>
                <power/>
                <ci> Kg </ci>
                <ci> n </ci></apply>
              <apply>
                <power/>
                <ci> Galpha_GTP </ci>
                <ci> n </ci></apply></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rdg">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <apply>
              <power/>
              <ci> DG </ci>
              <ci> m </ci></apply>
            <apply>
              <plus/>
              <apply>
                <power/>
                <ci> Kd </ci>
                <ci> m </ci></apply>
              <apply>
                <power/>
                <ci> DG </ci>
                <ci> m </ci></apply></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rip3">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <apply>
              <power/>
              <ci> IP3 </ci>
              <cn type="integer"> 3 </cn></apply>
            <apply>
              <plus/>
              <apply>
                <power/>
                <ci> Ks </ci>
                <cn type="integer"> 3 </cn></apply>
              <apply>
                <power/>
                <ci> IP3 </ci>
                <cn type="integer"> 3 </cn></apply></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rcyt1">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <ci> Ca_Cyt </ci>
            <apply>
              <plus/>
              <ci> Kc1 </ci>
              <ci> Ca_Cyt </ci></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rcyt2">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <ci> Ca_Cyt </ci>
            <apply>
              <plus/>
              <ci> Kc2 </ci>
              <ci> Ca_Cyt </ci></apply></apply></math></assignmentRule>
      <assignmentRule variable="Rer">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <divide/>
            <apply>
              <power/>
              <ci> Ca_ER </ci>
              <ci> w </ci></apply>
            <apply>
              <plus/>
              <apply>
                <power/>
                <ci> Ker </ci>
                <ci> w </ci></apply>
              <apply>
                <power/>
                <ci> Ca_ER </ci>
                <ci> w </ci></apply></apply></apply></math></assignmentRule>
      <assignmentRule variable="PLC">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply>
            <minus/>
            <ci> Cplc_total </ci>
            <ci> APLC </ci></apply></math></assignmentRule></listOfRules>
    <listOfReactions>
      <reaction id="R1" reversible="false">
              <listOfProducts>
          <speciesReference species="Galpha_GTP"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k0 </ci></apply></math></kineticLaw></reaction>
      <reaction id="R2" reversible="false">
              <listOfProducts>
          <speciesReference species="Galpha_GTP"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k1 </ci>
              <ci> Galpha_GTP </ci></apply></math></kineticLaw></reaction>
      <reaction id="R3" reversible="false">
              <listOfReactants>
          <speciesReference species="Galpha_GTP"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k2 </ci>
              <ci> Raplc </ci>
              <ci> Galpha_GTP </ci></apply></math></kineticLaw></reaction>
      <reaction id="R4" reversible="false">
              <listOfReactants>
          <speciesReference species="Galpha_GTP"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k3 </ci>
              <ci> Rpkc </ci>
              <ci> Galpha_GTP </ci></apply></math></kineticLaw></reaction>
      <reaction id="R5" reversible="false">
              <listOfProducts>
          <speciesReference species="APLC"/></listOfProducts>
        <listOfModifiers>
          <modifierSpeciesReference species="PLC"/></listOfModifiers>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k4 </ci>
              <ci> Rgalpha_gtp </ci>
              <ci> Rdg </ci>
              <ci> PLC </ci></apply></math></kineticLaw></reaction>
      <reaction id="R6" reversible="false">
              <listOfReactants>
          <speciesReference species="APLC"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k5 </ci>
              <ci> APLC </ci></apply></math></kineticLaw></reaction>
      <reaction id="R7" reversible="false">
              <listOfProducts>
          <speciesReference species="IP3"/></listOfProducts>
        <listOfModifiers>
          <modifierSpeciesReference species="APLC"/></listOfModifiers>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k6 </ci>
              <ci> APLC </ci></apply></math></kineticLaw></reaction>
      <reaction id="R8" reversible="false">
              <listOfReactants>
          <speciesReference species="IP3"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k7 </ci>
              <ci> IP3 </ci></apply></math></kineticLaw></reaction>
      <reaction id="R9">
              <listOfReactants>
          <speciesReference species="Ca_ER" stoichiometry="0.001"/></listOfReactants>
        <listOfProducts>
          <speciesReference species="Ca_Cyt" stoichiometry="0.01"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> ER </ci>
              <apply>
                <minus/>
                <apply>
                  <times/>
                  <ci> k8 </ci>
                  <ci> Rip3 </ci>
                  <ci> Rer </ci></apply>
                <apply>
                  <times/>
                  <ci> k9 </ci>
                  <ci> Rcyt1 </ci></apply></apply></apply></math></kineticLaw></reaction>
      <reaction id="R10" reversible="false">
              <listOfReactants>
          <speciesReference species="Ca_Cyt" stoichiometry="0.05"/></listOfReactants>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k10 </ci>
              <ci> Rcyt2 </ci></apply></math></kineticLaw></reaction>
      <reaction id="R11" reversible="false">
              <listOfProducts>
          <speciesReference species="Ca_Cyt" stoichiometry="0.05"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply>
              <times/>
              <ci> Cytosol </ci>
              <ci> k11 </ci></apply></math></kineticLaw></reaction></listOfReactions></model></sbml>
`;

// #region example
import { gradient } from '@odeon/ode';
import { compileModel, loadModel } from '@odeon/sbml';
import { createOptimizer } from '@odeon/train';

const model = compileModel(loadModel(BIOMD0000000145)); // 5 states, 24 kinetic parameters
const ca = model.stateIds.indexOf('Ca_Cyt');

// The tutorial's target: Ca_Cyt should follow 300 + 50·sin(2π·0.1·t + 10) at t = 0, 0.1, …, 49.9
// (its rollout of 500 steps of 0.1 records the state before each step).
const times = Array.from({ length: 500 }, (_, i) => 0.1 * i);
const target = times.map((t) => 300 + 50 * Math.sin(2 * Math.PI * 0.1 * t + 10));

/** L = sqrt(Σ (Ca_Cyt(tᵢ) − targetᵢ)²) and dL/dp, by forward sensitivities. */
function lossAndGradient(p: Float64Array) {
  const g = gradient(
    { ...model.problem(0, 50), p },
    {
      method: 'rodas5p',
      rtol: 1e-8,
      atol: 1e-8,
      saveAt: times,
      sensitivity: { kind: 'forward' },
      loss: {
        value: (i, _t, y) => (y[ca] - target[i]) ** 2,
        grad: (i, _t, y, out) => {
          out[ca] = 2 * (y[ca] - target[i]);
        },
      },
    },
  );
  const loss = Math.sqrt(g.value); // dL/dp = (dS/dp) / (2L), S = L²
  return { loss, grad: g.dp.map((d) => d / (2 * loss)) };
}

// Adam on all 24 kinetic parameters, as in the SBMLtoODEjax tutorial (which runs 1000 steps at lr 1e-3).
const p = Float64Array.from(model.p);
const adam = createOptimizer({ kind: 'adam' }, p.length);
const losses: number[] = [];
for (let step = 0; step <= 5; step++) {
  const { loss, grad } = lossAndGradient(p);
  losses.push(loss);
  console.log(`step ${step}: loss ${loss.toFixed(1)}`);
  if (step < 5) adam.update(p, grad, 1e-3);
}
// #endregion example

const initial = simulate(model, { t1: 50, steps: 500, variables: ['Ca_Cyt'] });
const tuned = simulate(model, { t1: 50, steps: 500, variables: ['Ca_Cyt'], p });

export { lossAndGradient, losses, model, p };
export const plot: SeriesPlot = {
  title: 'Ca_Cyt: target, initial model, after 5 Adam steps',
  xLabel: 't',
  curves: [
    { name: 'target', x: times, y: target },
    { name: 'initial', x: initial.times, y: initial.values },
    { name: 'after 5 steps', x: tuned.times, y: tuned.values },
  ],
};
