// Stands in for nouislider (28 KB): the lessons draw no slider (IntSlider, FloatSlider,
// SelectionSlider), tests/test_light_page.py keeps it so. A slider drawn anyway says why.
export default {
  create() {
    throw new Error('sliders are not on the learner page (frontend/src/no-slider.js)');
  },
};
